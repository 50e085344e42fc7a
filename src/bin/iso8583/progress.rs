//! A progress bar on standard error while a long input file is read.
//!
//! It is shown only when standard error is a terminal and the input is a file, whose size
//! gives the bar its end: on a pipe, in a script's captured output or in tests there is
//! nothing to draw, and nothing is written.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

/// Lines between two updates of the bar. The bar's own update reads the clock; doing it once
/// every few thousand lines keeps the cost out of the per-line path.
const LINES_PER_UPDATE: u32 = 4096;

/// The bar (when one is shown) and the bytes read since it was last moved.
pub struct Progress {
    bar: Option<ProgressBar>,
    pending: u64,
    lines: u32,
}

impl Progress {
    /// A bar over the bytes of `path` when standard error is a terminal and `path` is a file
    /// whose size is known; otherwise nothing is shown.
    pub fn for_input(path: Option<&Path>) -> Self {
        let bar = path
            .filter(|_| std::io::stderr().is_terminal())
            .and_then(|p| std::fs::metadata(p).ok())
            .filter(|m| m.is_file() && m.len() > 0)
            .map(|m| {
                let bar =
                    ProgressBar::with_draw_target(Some(m.len()), ProgressDrawTarget::stderr());
                if let Ok(style) = ProgressStyle::with_template(
                    "{bar:40} {percent:>3}%  {binary_bytes}/{binary_total_bytes}  {eta} left",
                ) {
                    bar.set_style(style);
                }
                bar
            });
        Self {
            bar,
            pending: 0,
            lines: 0,
        }
    }

    /// Counts one line of `len` bytes (its line ending added).
    #[inline]
    pub fn advance(&mut self, len: usize) {
        if self.bar.is_none() {
            return;
        }
        self.pending += len as u64 + 1;
        self.lines += 1;
        if self.lines >= LINES_PER_UPDATE {
            self.flush();
        }
    }

    /// Moves the bar by the bytes counted since its last move.
    fn flush(&mut self) {
        if let Some(bar) = &self.bar {
            bar.inc(self.pending);
        }
        self.pending = 0;
        self.lines = 0;
    }

    /// Removes the bar from the terminal: the report follows on standard output.
    pub fn finish(mut self) {
        self.flush();
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
