//! The options of the commands that talk to a host (`send`, `saf run`), and their runtime.

use clap::Args;
use iso8583_wire::frame::{Framer, LengthHeader};

use crate::spec_arg::SpecArgs;
use crate::CliError;

/// `--connect ADDR --spec NAME --frame KIND`.
#[derive(Args, Debug)]
pub struct ConnectArgs {
    /// The host to connect to, `host:port`
    #[arg(long, value_name = "ADDR")]
    pub connect: String,

    #[command(flatten)]
    pub spec: SpecArgs,

    /// The length header of every frame: binary2, binary4, bcd2, ascii4 or hex4
    #[arg(long, value_name = "KIND", default_value = "binary2", value_parser = crate::decode::frame_parser())]
    pub frame: LengthHeader,
}

impl ConnectArgs {
    /// The framer of `--frame`.
    pub fn framer(&self) -> Framer {
        Framer::new(self.frame)
    }
}

/// A runtime for one command: two worker threads are plenty for one connection.
///
/// # Errors
/// A usage error when the runtime cannot start (no threads left).
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the runtime: {e}")))
}
