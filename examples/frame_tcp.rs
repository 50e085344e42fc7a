//! Frame ISO 8583 messages over a TCP connection on 127.0.0.1.
//!
//! A host thread accepts one connection, skips keep-alives, answers one 0800 network management
//! request with an 0810 (field 39 = `00`) and exits. The terminal side sends a keep-alive, then
//! the 0800 in two pieces to show that a partial frame just waits for more bytes.
//!
//! `cargo run --example frame_tcp`

use std::error::Error;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use iso8583_wire::frame::{Frame, Framer, LengthHeader};
use iso8583_wire::{Message, MessageView, Mti, Spec};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Reads from `stream` into `buf` until a whole message is in; returns it and drops it (and any
/// keep-alives before it) from `buf`.
fn read_message(
    who: &str,
    stream: &mut TcpStream,
    framer: &Framer,
    buf: &mut Vec<u8>,
) -> Result<Vec<u8>> {
    let mut chunk = [0u8; 512];
    loop {
        match framer.decode(buf)? {
            Frame::Complete {
                payload, consumed, ..
            } => {
                let message = payload.to_vec();
                buf.drain(..consumed);
                return Ok(message);
            }
            Frame::KeepAlive { consumed } => {
                println!("{who}: keep-alive");
                buf.drain(..consumed);
            }
            Frame::Partial { needed } => {
                println!("{who}: {} bytes buffered, {needed} more needed", buf.len());
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Err("connection closed inside a frame".into());
                }
                buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
            }
        }
    }
}

/// The host: answers one 0800 on `listener` and returns.
fn host(listener: TcpListener, framer: Framer, spec: &'static Spec) -> Result<()> {
    let (mut stream, peer) = listener.accept()?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    println!("host: connection from {peer}");
    let mut buf = Vec::with_capacity(1024);
    let request = read_message("host", &mut stream, &framer, &mut buf)?;
    let view = MessageView::decode(spec, &request)?;
    println!("host: received {}", view.mti().as_str());
    let mut response = Message::from_view(&view)
        .response(&[7, 11, 41])
        .ok_or("not a request")?;
    response.set(spec, 39, "00")?;
    let mut out = Vec::with_capacity(256);
    framer.encode(&response.to_vec(spec)?, &mut out)?;
    stream.write_all(&out)?;
    Ok(())
}

fn main() -> Result<()> {
    let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
    let framer = Framer::new(LengthHeader::Binary2).max_len(4096);

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || host(listener, framer, spec));

    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;

    let mut request = Message::new(Mti::NETWORK_REQUEST);
    request
        .set(spec, 7, "1123132500")?
        .set(spec, 11, "000042")?
        .set(spec, 41, "TERM0001")?;
    let mut out = Vec::with_capacity(256);
    framer.encode_keep_alive(&mut out)?;
    framer.encode(&request.to_vec(spec)?, &mut out)?;
    // Send the keep-alive and part of the request, pause, then the rest.
    let (first, rest) = out.split_at(out.len() / 2);
    stream.write_all(first)?;
    stream.flush()?;
    thread::sleep(Duration::from_millis(50));
    stream.write_all(rest)?;

    let mut buf = Vec::with_capacity(1024);
    let reply = read_message("terminal", &mut stream, &framer, &mut buf)?;
    let view = MessageView::decode(spec, &reply)?;
    let code = view.field(39).ok_or("no DE39")?;
    println!(
        "terminal: received {} with DE11 {} and DE39 {}",
        view.mti().as_str(),
        view.field(11).ok_or("no DE11")?.as_str()?,
        code.as_str()?
    );
    assert_eq!(view.mti(), Mti::NETWORK_RESPONSE);
    server.join().map_err(|_| "host thread panicked")??;
    Ok(())
}
