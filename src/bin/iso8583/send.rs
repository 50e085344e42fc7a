//! `iso8583 send`: requests as JSON lines on standard input, sent to a host over one channel;
//! one JSON line per request on standard output, in input order, as soon as it and every request
//! before it have an outcome.
//!
//! A line is `{"outcome":…,"reversal":…,"mti":…,"fields":{…},"diagnosis":{…},"latency_us":…}`:
//! `outcome` is `response`, `no_response`, `connection_failed`, `send_failed` or
//! `connection_lost`; `reversal` is `none`, `queued`, `sent` or `accepted` (how far the reversal
//! had got when the line was written); `mti` and `fields` are the response's (masked unless
//! `--unmasked`); `diagnosis` explains field 39, or the outcome when there is no response.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use clap::Args;
use iso8583_wire::net::client::{
    Channel, ChannelConfig, Failure, ReversalConfig, ReversalEvent, ReversalStatus, SendError,
    SendErrorKind,
};
use iso8583_wire::net::clock::{transmission_time, StanCounter};
use iso8583_wire::net::journal::{Journal, MemoryJournal};
use iso8583_wire::response::{Diagnosis, Dialect, Lang};
use iso8583_wire::{Message, MessageView, ReversalReason, Spec};
use serde::Serialize;

use crate::net_args::{runtime, ConnectArgs};
use crate::{CliError, Outcome};

/// Options of `iso8583 send`.
#[derive(Args, Debug)]
pub struct SendArgs {
    #[command(flatten)]
    connect: ConnectArgs,

    /// How long each request waits for its response, in milliseconds
    #[arg(long, value_name = "N", default_value_t = 30_000)]
    timeout_ms: u64,

    /// SQLite journal for the reversals of requests that may have reached the host; without it
    /// reversals are kept in memory and lost at exit
    #[arg(long, value_name = "PATH")]
    journal: Option<std::path::PathBuf>,

    /// The reversal message: 0400 (request) or 0420 (advice)
    #[arg(long, value_name = "MTI", default_value = "0400", value_parser = ["0400", "0420"])]
    reversal: String,

    /// Requests in flight at once
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=4096))]
    concurrency: u32,

    /// Wait between transmissions of one reversal, in milliseconds
    #[arg(long, value_name = "N", default_value_t = 30_000)]
    retry_ms: u64,

    /// Show card data in clear text
    #[arg(long)]
    unmasked: bool,
}

/// One output line.
#[derive(Serialize)]
struct Line {
    outcome: &'static str,
    reversal: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    mti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnosis: Option<serde_json::Value>,
    latency_us: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Where each reversal queued by this run has got.
type Progress = Arc<Mutex<HashMap<i64, &'static str>>>;

/// Runs `send`.
///
/// # Errors
/// A usage error for bad options, a bad spec or an unusable journal; an output error when
/// writing fails.
pub fn run(args: &SendArgs) -> Result<Outcome, CliError> {
    let spec = args.connect.spec.load()?.into_owned();
    let dialect = spec.dialect();
    let journal: Arc<dyn Journal> = match &args.journal {
        Some(path) => Arc::new(
            iso8583_wire::net::journal::SqliteJournal::open(path)
                .map_err(|e| CliError::Usage(e.to_string()))?,
        ),
        None => Arc::new(MemoryJournal::new()),
    };
    let progress: Progress = Arc::default();
    let timeout = Duration::from_millis(args.timeout_ms);
    let reversal = ReversalConfig::new(Arc::clone(&journal))
        .dialect(dialect)
        .reason(ReversalReason::no_response(dialect).advice(args.reversal == "0420"))
        .answer_timeout(timeout)
        .retry_interval(Duration::from_millis(args.retry_ms));
    let seen = Arc::clone(&progress);
    let config = ChannelConfig::new(spec.clone(), args.connect.framer())
        .keep_alive(None)
        .max_in_flight(args.concurrency as usize)
        .reversal(reversal)
        .on_reversal(move |event| {
            let mut map = seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match event {
                ReversalEvent::Queued { id } => {
                    map.entry(id).or_insert("queued");
                }
                ReversalEvent::Sent { id, .. } => {
                    map.insert(id, "sent");
                }
                ReversalEvent::Accepted { id } => {
                    map.insert(id, "accepted");
                }
                _ => {}
            }
        });
    let addr = args.connect.connect.clone();
    let clear = args.unmasked;
    let concurrency = args.concurrency as usize;
    runtime()?.block_on(async move {
        let channel = Channel::start(
            iso8583_wire::net::client::Endpoint::tcp(addr),
            config,
        );
        // A first connect within the timeout; requests after it find the channel up or fail.
        channel.wait_connected(timeout.min(Duration::from_secs(10))).await;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Message, String>>(concurrency * 2);
        let spec_for_reader = spec.clone();
        std::thread::spawn(move || read_requests(&spec_for_reader, &tx));
        let stan = StanCounter::default();
        let mut outcome = Outcome::Ok;
        let mut running = std::collections::VecDeque::new();
        let mut stdout = io::stdout().lock();
        let mut input_done = false;
        loop {
            if input_done && running.is_empty() {
                break;
            }
            // Read more requests while there is room, and print the oldest one's line as soon as
            // it is done: a slow producer never holds back lines already decided.
            let finished = tokio::select! {
                biased;
                done = front(&mut running), if !running.is_empty() => {
                    running.pop_front();
                    done
                }
                item = rx.recv(), if !input_done && running.len() < concurrency => {
                    match item {
                        Some(Ok(mut request)) => {
                            fill_defaults(&spec, &mut request, &stan);
                            let channel = channel.clone();
                            running.push_back(tokio::spawn(async move {
                                let start = Instant::now();
                                let result = channel.send(&request, timeout).await;
                                Finished::Sent(result, start.elapsed())
                            }));
                        }
                        Some(Err(message)) => {
                            running.push_back(tokio::spawn(async move {
                                Finished::BadInput(message)
                            }));
                        }
                        None => input_done = true,
                    }
                    continue;
                }
            };
            let finished =
                finished.map_err(|e| CliError::Usage(format!("a request task failed: {e}")))?;
            match finished {
                Finished::Sent(result, latency) => {
                    outcome = outcome.and(result.is_ok());
                    let line = render(&spec, dialect, &result, latency, clear, &progress);
                    serde_json::to_writer(&mut stdout, &line).map_err(io::Error::from)?;
                }
                Finished::BadInput(message) => {
                    outcome = Outcome::SomeFailed;
                    eprintln!("iso8583: {message}");
                    let line = Line {
                        outcome: Failure::ConnectionFailed.as_str(),
                        reversal: "none",
                        mti: None,
                        fields: None,
                        diagnosis: None,
                        latency_us: 0,
                        error: Some(message),
                    };
                    serde_json::to_writer(&mut stdout, &line).map_err(io::Error::from)?;
                }
            }
            stdout.write_all(b"\n")?;
            stdout.flush()?;
        }
        // Give the reversals of this run one chance to go out before exiting; those left stay
        // in the journal.
        let _ = tokio::time::timeout(timeout, channel.forward_due()).await;
        channel.close(Duration::from_millis(100)).await;
        let left = journal.list().map(|l| l.len()).unwrap_or(0);
        if left > 0 {
            let reversals = if left == 1 { "reversal" } else { "reversals" };
            if args.journal.is_some() {
                eprintln!("iso8583: {left} {reversals} left in the journal; `iso8583 saf run` sends them");
            } else {
                eprintln!("iso8583: {left} {reversals} not delivered and lost: use --journal to keep them");
            }
        }
        Ok(outcome)
    })
}

/// How one input line ended.
enum Finished {
    /// It was a request, sent with this result after this long.
    Sent(Result<Message, SendError>, Duration),
    /// It could not be read as a request; nothing was sent.
    BadInput(String),
}

/// Waits for the oldest request of `running` (which must not be empty).
async fn front(
    running: &mut std::collections::VecDeque<tokio::task::JoinHandle<Finished>>,
) -> Result<Finished, tokio::task::JoinError> {
    match running.front_mut() {
        Some(handle) => handle.await,
        None => std::future::pending().await,
    }
}

/// Reads request JSON lines from standard input into `tx`, stopping at the end of input or when
/// the receiver is gone.
fn read_requests(spec: &Spec, tx: &tokio::sync::mpsc::Sender<Result<Message, String>>) {
    let stdin = io::stdin();
    for (number, line) in stdin.lock().lines().enumerate() {
        let Ok(line) = line else { break };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let item = Message::from_json(spec, trimmed.as_bytes()).map_err(|e| {
            format!(
                "line {}: {}",
                number + 1,
                iso8583_wire::json::Failure::from(e).message
            )
        });
        if tx.blocking_send(item).is_err() {
            break;
        }
    }
}

/// Fills DE11 and DE7 when the request lacks them and the spec defines them.
fn fill_defaults(spec: &Spec, request: &mut Message, stan: &StanCounter) {
    if !request.has(11) && spec.field(11).is_some() {
        let _ = request.set(spec, 11, stan.next_stan());
    }
    if !request.has(7) && spec.field(7).is_some() {
        let _ = request.set(spec, 7, transmission_time(SystemTime::now()));
    }
}

/// The output line of one request.
fn render(
    spec: &Spec,
    dialect: Dialect,
    result: &Result<Message, SendError>,
    latency: Duration,
    clear: bool,
    progress: &Progress,
) -> Line {
    let latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
    match result {
        Ok(response) => {
            let wire = response.to_vec(spec).unwrap_or_default();
            let (fields, diagnosis) = match MessageView::decode(spec, &wire) {
                Ok(view) => {
                    let json = view.json().with_diagnosis(dialect, Lang::En);
                    let json = if clear { json.clear() } else { json };
                    let value = serde_json::to_value(json).unwrap_or_default();
                    (
                        value.get("fields").cloned(),
                        value.get("diagnosis").cloned(),
                    )
                }
                Err(_) => (None, None),
            };
            Line {
                outcome: "response",
                reversal: "none",
                mti: Some(response.mti().as_str().to_owned()),
                fields,
                diagnosis,
                latency_us,
                error: None,
            }
        }
        Err(e) => {
            let reversal = match e.reversal() {
                ReversalStatus::Queued(id) => progress
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .get(id)
                    .copied()
                    .unwrap_or("queued"),
                _ => "none",
            };
            let (outcome, error) = match e.kind() {
                SendErrorKind::Failed(f) => (f.as_str(), None),
                other => (Failure::ConnectionFailed.as_str(), Some(other.to_string())),
            };
            let failure = e.failure().unwrap_or(Failure::ConnectionFailed);
            let diagnosis =
                serde_json::to_value(Diagnosis::for_outcome(failure.outcome()).in_lang(Lang::En))
                    .ok();
            let error = match (error, e.reversal()) {
                (None, ReversalStatus::Failed(f)) => Some(f.to_string()),
                (error, _) => error,
            };
            Line {
                outcome,
                reversal,
                mti: None,
                fields: None,
                diagnosis,
                latency_us,
                error,
            }
        }
    }
}
