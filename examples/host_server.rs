//! A host on `Server`: it approves amounts under 1000.00 and declines the others with `51`.
//!
//! The host listens on a free port of 127.0.0.1, the example sends it one 0200 of 1500.00
//! through a plain framed TCP connection, prints the answer and shuts the host down.
//!
//! `cargo run --example host_server --features net`

use std::error::Error;
use std::time::Duration;

use bytes::Bytes;
use iso8583_wire::frame::{Frame, Framer, LengthHeader};
use iso8583_wire::net::server::{response_to, Action, Request, Server, ServerConfig, Session};
use iso8583_wire::{Message, Mti, Spec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// The fields the answer copies from the request.
const ECHO: &[u16] = &[2, 3, 4, 7, 11, 12, 13, 37, 41, 42, 49];

/// The answer to one request: `00` below 1000.00 (100 000 minor units), `51` from there on.
fn decide(spec: &Spec, request: Request) -> Action {
    let Ok(message) = request.message() else {
        // Undecodable: a format error if the MTI can be read, else nothing.
        return request
            .format_error_response(spec)
            .map_or(Action::NoReply, Action::Reply);
    };
    let amount = message.field(spec, 4).and_then(|f| f.to_u64().ok());
    let code = match amount {
        Some(a) if a < 100_000 => "00",
        _ => "51",
    };
    let Some(mut answer) = response_to(message, ECHO) else {
        return Action::NoReply; // a response: nothing to answer
    };
    match answer.set(spec, 39, code) {
        Ok(_) => Action::Reply(answer),
        Err(_) => Action::NoReply,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let spec: &'static Spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
    let framer = Framer::new(LengthHeader::Binary2).max_len(4096);

    let server = Server::bind("127.0.0.1:0", ServerConfig::new(spec.clone(), framer)).await?;
    let host =
        server.start(move |_: &Session, request: Request| async move { decide(spec, request) });
    println!("host: listening on {}", host.local_addr());

    // The terminal side: one 0200 of 1500.00.
    let mut request = Message::new(Mti::FINANCIAL_REQUEST);
    request
        .set(spec, 2, "4242424242424242")?
        .set(spec, 3, "000000")?
        .set(spec, 4, "000000150000")?
        .set(spec, 11, "000001")?
        .set(spec, 41, "TERM0001")?;
    let mut out = Vec::new();
    framer.encode(&request.to_vec(spec)?, &mut out)?;
    let mut stream = TcpStream::connect(host.local_addr()).await?;
    stream.write_all(&out).await?;

    let mut buf = Vec::new();
    let answer = tokio::time::timeout(Duration::from_secs(5), async {
        let mut chunk = [0u8; 1024];
        loop {
            if let Frame::Complete { payload, .. } = framer.decode(&buf)? {
                return Ok::<_, Box<dyn Error + Send + Sync>>(Message::decode(
                    spec,
                    Bytes::copy_from_slice(payload),
                )?);
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err("the host closed the connection".into());
            }
            buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        }
    })
    .await??;
    let show = |n| answer.field(spec, n).map(|f| f.masked().to_string());
    println!(
        "terminal: {} for DE2 {} amount {}: DE39 {}",
        answer.mti(),
        show(2).unwrap_or_default(),
        show(4).unwrap_or_default(),
        show(39).unwrap_or_default()
    );

    let stats = host.shutdown(Duration::from_secs(1)).await;
    println!(
        "host: {} session, {} frame, {} answer",
        stats.sessions, stats.frames_in, stats.replies
    );
    Ok(())
}
