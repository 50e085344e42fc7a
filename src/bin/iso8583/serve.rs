//! `iso8583 serve`: a scriptable test host on TCP. It answers requests by the rules of
//! `--rules` (see `iso8583_wire::net::testhost`), approving everything without them, prints one
//! masked JSON line per exchange on standard output, and runs until SIGINT or SIGTERM, then
//! finishes the requests in flight and exits 0.

use crate::spec_arg::SpecArgs;
use crate::{CliError, Outcome};
use clap::Args;
use iso8583_wire::frame::{Framer, LengthHeader};
use iso8583_wire::net::server::{Server, ServerConfig};
use iso8583_wire::net::testhost::{Exchange, Rules, TestHost};
use serde::Serialize;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long the requests in flight may take to finish after a signal.
const GRACE: Duration = Duration::from_secs(5);

/// Options of `iso8583 serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8583 (port 0 picks a free port; the address is
    /// printed on standard error as `listening on ADDR`)
    #[arg(long, value_name = "ADDR")]
    listen: String,

    #[command(flatten)]
    spec: SpecArgs,

    /// Length header of the frames (binary2, binary4, bcd2, ascii4, hex4). A header the spec
    /// declares (a TPDU) is answered with source and destination swapped
    #[arg(long, value_name = "KIND", value_parser = crate::decode::frame_parser())]
    frame: LengthHeader,

    /// Largest frame accepted, in bytes after the length header; a longer one closes its
    /// connection
    #[arg(long, value_name = "BYTES", default_value_t = Framer::DEFAULT_MAX_LEN)]
    max_len: usize,

    /// Rules file (TOML, `[[rule]]` tables: mti, processing_code, amount_min, amount_max,
    /// pan_prefix, terminal, respond, delay_ms, action); without it every request is approved
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,

    /// Connections served at a time; more are accepted and closed at once
    #[arg(long, value_name = "N", default_value_t = 64)]
    max_sessions: usize,
}

/// One exchange as printed: card data masked, `rule` the 0-based index of the `[[rule]]`.
#[derive(Serialize)]
struct ExchangeLine<'a> {
    mti: Option<String>,
    stan: Option<&'a str>,
    terminal: Option<&'a str>,
    pan: Option<&'a str>,
    amount: Option<u64>,
    rule: Option<usize>,
    action: &'static str,
    response_code: Option<&'a str>,
    response_mti: Option<String>,
}

impl<'a> ExchangeLine<'a> {
    fn of(e: &'a Exchange) -> Self {
        Self {
            mti: e.request_mti.map(|m| m.to_string()),
            stan: e.stan.as_deref(),
            terminal: e.terminal.as_deref(),
            pan: e.pan.as_deref(),
            amount: e.amount,
            rule: e.rule,
            action: e.action.name(),
            response_code: e.response_code.as_deref(),
            response_mti: e.response_mti.map(|m| m.to_string()),
        }
    }
}

/// Prints one exchange as a JSON line and flushes it, so that a reader sees it at once.
fn print_exchange(exchange: &Exchange) {
    let Ok(line) = serde_json::to_string(&ExchangeLine::of(exchange)) else {
        return;
    };
    let mut out = io::stdout().lock();
    // A reader that went away does not stop the host; the signal does.
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Runs `iso8583 serve`.
pub fn run(args: &ServeArgs) -> Result<Outcome, CliError> {
    let spec = Arc::new(args.spec.load()?.into_owned());
    let rules = match &args.rules {
        None => Rules::default(),
        Some(path) => {
            let shown = path.display();
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Usage(format!("cannot read rules file {shown}: {e}")))?;
            Rules::from_toml_str(&text)
                .map_err(|e| CliError::Usage(format!("bad rules file {shown}: {e}")))?
        }
    };
    let framer = Framer::new(args.frame).max_len(args.max_len);
    let host = TestHost::new(rules, Arc::clone(&spec), framer).on_exchange(print_exchange);
    // The host answers 0800s itself, so that they are printed like every other exchange.
    let config = ServerConfig::new(spec, framer)
        .max_sessions(args.max_sessions)
        .answer_echo(false);
    crate::net_args::runtime()?.block_on(serve(&args.listen, config, host))
}

/// Binds, serves until a signal, and shuts down.
async fn serve(listen: &str, config: ServerConfig, host: TestHost) -> Result<Outcome, CliError> {
    // The handlers are installed before the address is printed, so that a signal sent as soon
    // as it is seen is caught.
    let stop = Stop::install()
        .map_err(|e| CliError::Usage(format!("cannot install signal handlers: {e}")))?;
    let server = Server::bind(listen, config)
        .await
        .map_err(|e| CliError::Usage(format!("cannot listen on {listen}: {e}")))?;
    let handle = server.start(host);
    {
        let mut err = io::stderr().lock();
        writeln!(err, "listening on {}", handle.local_addr())?;
        err.flush()?;
    }
    let signal = stop.wait().await;
    let stats = handle.shutdown(GRACE).await;
    eprintln!(
        "stopped on {signal}: {} sessions, {} frames, {} answers, {} undecodable, {} framing errors",
        stats.sessions, stats.frames_in, stats.replies, stats.decode_errors, stats.framing_errors
    );
    Ok(Outcome::Ok)
}

/// The signals that stop the host.
struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    #[cfg(unix)]
    fn install() -> io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn install() -> io::Result<Self> {
        Ok(Self {})
    }

    /// Waits for a signal and names it.
    #[cfg(unix)]
    async fn wait(mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }

    #[cfg(not(unix))]
    async fn wait(self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
