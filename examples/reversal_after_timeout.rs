//! A sale is sent in full and no answer comes. The channel builds the reversal and journals it
//! before `send` returns, then sends it and removes it from the journal once the host accepts
//! it. All on 127.0.0.1: the host is the crate's own test host, set never to answer a sale.
//!
//! Run with `cargo run --example reversal_after_timeout --features net`.

use std::sync::Arc;
use std::time::Duration;

use iso8583_wire::frame::{Framer, LengthHeader};
use iso8583_wire::net::client::{
    Channel, ChannelConfig, Endpoint, ReversalConfig, ReversalEvent, ReversalStatus,
};
use iso8583_wire::net::journal::{Journal, SqliteJournal};
use iso8583_wire::net::server::{Server, ServerConfig};
use iso8583_wire::net::testhost::{Rules, TestHost};
use iso8583_wire::response::{Diagnosis, Dialect, Lang};
use iso8583_wire::{Message, Mti, Spec};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
    let framer = Framer::new(LengthHeader::Binary2);

    // The host: sales get no answer, reversals are approved.
    let rules = Rules::from_toml_str("[[rule]]\nmti = \"0200\"\naction = \"no_answer\"\n")?;
    let host = Server::bind("127.0.0.1:0", ServerConfig::new(spec.clone(), framer))
        .await?
        .start(TestHost::new(rules, spec.clone(), framer));

    // The terminal's channel, with its store-and-forward journal on disk.
    let path = std::env::temp_dir().join(format!("reversal-example-{}.db", std::process::id()));
    let journal = Arc::new(SqliteJournal::open(&path)?);
    let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let config = ChannelConfig::new(spec.clone(), framer)
        .reversal(ReversalConfig::new(journal.clone()).dialect(Dialect::Iso8583_1987))
        .on_reversal(move |event| {
            let _ = events_tx.send(event);
        });
    let channel = Channel::start(Endpoint::tcp(host.local_addr().to_string()), config);
    if !channel.wait_connected(Duration::from_secs(5)).await {
        return Err("the host did not accept the connection".into());
    }

    let mut sale = Message::new(Mti::FINANCIAL_REQUEST);
    sale.set(spec, 2, "4242424242424242")?
        .set(spec, 3, "000000")?
        .set(spec, 4, "2500")?
        .set(spec, 7, "1206185003")?
        .set(spec, 11, "000123")?
        .set(spec, 41, "TERM0001")?
        .set(spec, 49, "840")?;

    let err = match channel.send(&sale, Duration::from_millis(500)).await {
        Ok(_) => return Err("the host was meant not to answer".into()),
        Err(err) => err,
    };
    let failure = err.failure().ok_or("a failure, not a refusal")?;
    println!(
        "{}",
        Diagnosis::for_outcome(failure.outcome()).render(Lang::En)
    );
    let ReversalStatus::Queued(id) = err.reversal() else {
        return Err(format!("no reversal queued: {:?}", err.reversal()).into());
    };
    // Journalled already, before `send` returned; the listing holds no card data.
    for r in journal.list()? {
        println!(
            "journal: reversal {} of {} STAN {} terminal {} amount {}",
            r.id, r.original_mti, r.stan, r.terminal, r.amount
        );
    }

    // The channel sends it in the background; wait until the host has accepted it.
    let wait = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(event) = events.recv().await {
            println!("reversal event: {event:?}");
            if event == (ReversalEvent::Accepted { id: *id }) {
                return true;
            }
        }
        false
    });
    if !wait.await.unwrap_or(false) {
        return Err("the reversal was not accepted in time".into());
    }
    println!("journal now holds {} reversal(s)", journal.list()?.len());

    channel.close(Duration::from_secs(1)).await;
    host.shutdown(Duration::from_secs(1)).await;
    drop(journal);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    Ok(())
}
