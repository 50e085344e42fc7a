//! `iso8583 saf --journal PATH list|run`: the store-and-forward journal of reversals.
//!
//! `list` prints one line per reversal, with no card data: the original MTI, STAN, terminal,
//! amount, attempts so far, the next try and the state. `run` connects, sends every reversal
//! that is due until none is, and exits: 0 when the journal holds no pending reversal any more,
//! 1 when some are left (not yet due again, or parked for a person).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use iso8583_wire::net::clock::UtcTime;

use clap::{Args, Subcommand};
use iso8583_wire::net::client::{Channel, ChannelConfig, Endpoint, ReversalConfig};
use iso8583_wire::net::journal::{Journal, ReversalState, SqliteJournal, StoredReversal};

use crate::net_args::{runtime, ConnectArgs};
use crate::{CliError, Outcome};

/// Options of `iso8583 saf`.
#[derive(Args, Debug)]
pub struct SafArgs {
    /// The SQLite journal (as written by `iso8583 send --journal`)
    #[arg(long, value_name = "PATH")]
    journal: PathBuf,

    #[command(subcommand)]
    action: SafAction,
}

/// What to do with the journal.
#[derive(Subcommand, Debug)]
enum SafAction {
    /// List the reversals in the journal (no card data)
    List,
    /// Send the reversals that are due until none is, then exit
    Run(RunArgs),
}

/// Options of `saf run`.
#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    connect: ConnectArgs,

    /// How long each reversal waits for its answer, in milliseconds
    #[arg(long, value_name = "N", default_value_t = 30_000)]
    timeout_ms: u64,
}

/// Runs `saf`.
///
/// # Errors
/// A usage error when the journal cannot be opened or read, or the spec is bad; an output
/// error when writing fails.
pub fn run(args: &SafArgs) -> Result<Outcome, CliError> {
    if !args.journal.exists() {
        return Err(CliError::Usage(format!(
            "no journal at {}",
            args.journal.display()
        )));
    }
    let journal = SqliteJournal::open(&args.journal).map_err(|e| CliError::Usage(e.to_string()))?;
    match &args.action {
        SafAction::List => list(&journal),
        SafAction::Run(run) => forward(journal, run),
    }
}

fn list(journal: &SqliteJournal) -> Result<Outcome, CliError> {
    use std::io::Write;
    let rows = journal.list().map_err(|e| CliError::Usage(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:>6}  {:<4}  {:<6}  {:<8}  {:>12}  {:>8}  {:<20}  state",
        "id", "mti", "stan", "terminal", "amount", "attempts", "next try (UTC)"
    )?;
    for r in &rows {
        writeln!(out, "{}", row_line(r))?;
    }
    if rows.is_empty() {
        eprintln!("iso8583: the journal holds no reversal");
    }
    Ok(Outcome::Ok)
}

/// One line of `saf list`.
fn row_line(r: &StoredReversal) -> String {
    let state = match r.state {
        ReversalState::Pending => "pending",
        ReversalState::Parked(reason) => reason.as_str(),
    };
    format!(
        "{:>6}  {:<4}  {:<6}  {:<8}  {:>12}  {:>8}  {:<20}  {state}",
        r.id,
        r.original_mti.as_str(),
        r.stan,
        r.terminal,
        r.amount,
        r.attempts,
        UtcTime::of_unix_ms(r.next_try_ms).to_string()
    )
}

fn forward(journal: SqliteJournal, args: &RunArgs) -> Result<Outcome, CliError> {
    let spec = args.connect.spec.load()?.into_owned();
    let dialect = spec.dialect();
    let journal: Arc<dyn Journal> = Arc::new(journal);
    let timeout = Duration::from_millis(args.timeout_ms);
    let reversal = ReversalConfig::new(Arc::clone(&journal))
        .dialect(dialect)
        .answer_timeout(timeout);
    let config = ChannelConfig::new(spec, args.connect.framer())
        .keep_alive(None)
        .reversal(reversal);
    let addr = args.connect.connect.clone();
    runtime()?.block_on(async move {
        let channel = Channel::start(Endpoint::tcp(addr.clone()), config);
        if !channel
            .wait_connected(timeout.min(Duration::from_secs(10)))
            .await
        {
            return Err(CliError::Usage(format!("cannot connect to {addr}")));
        }
        let sent = channel
            .forward_due()
            .await
            .map_err(|e| CliError::Usage(e.to_string()))?;
        let stats = channel.stats();
        channel.close(Duration::from_millis(100)).await;
        let now = iso8583_wire::net::clock::unix_ms(SystemTime::now());
        let rows = journal.list().map_err(|e| CliError::Usage(e.to_string()))?;
        let left = rows.len();
        let reversals = if sent == 1 { "reversal" } else { "reversals" };
        eprintln!(
            "iso8583: {sent} {reversals} sent, {} accepted, {left} left in the journal",
            stats.reversals_accepted
        );
        for r in rows
            .iter()
            .filter(|r| r.next_try_ms > now || r.state != ReversalState::Pending)
        {
            eprintln!("  {}", row_line(r));
        }
        Ok(if left == 0 {
            Outcome::Ok
        } else {
            Outcome::SomeFailed
        })
    })
}
