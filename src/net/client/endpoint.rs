//! Where the channel connects, and how long it waits before it connects again.

#[cfg(feature = "tls")]
use std::sync::Arc;
use std::time::Duration;

/// Where the channel connects.
#[derive(Clone)]
#[non_exhaustive]
pub enum Endpoint {
    /// Plain TCP to `host:port`.
    Tcp(String),
    /// TLS over TCP (feature `tls`).
    #[cfg(feature = "tls")]
    Tls {
        /// `host:port` to connect to.
        addr: String,
        /// The name the server's certificate must carry.
        server_name: tokio_rustls::rustls::pki_types::ServerName<'static>,
        /// The TLS client configuration (roots, client certificate).
        connector: tokio_rustls::TlsConnector,
    },
}

impl Endpoint {
    /// Plain TCP to `addr` (`host:port`).
    #[must_use]
    pub fn tcp(addr: impl Into<String>) -> Self {
        Self::Tcp(addr.into())
    }

    /// TLS over TCP to `addr` (feature `tls`), checking that the server's certificate is valid
    /// for `server_name` under `config` (its roots, and a client certificate if the host asks).
    ///
    /// # Errors
    /// When `server_name` is not a valid DNS name or IP address.
    #[cfg(feature = "tls")]
    pub fn tls(
        addr: impl Into<String>,
        server_name: &str,
        config: Arc<tokio_rustls::rustls::ClientConfig>,
    ) -> Result<Self, tokio_rustls::rustls::pki_types::InvalidDnsNameError> {
        let server_name =
            tokio_rustls::rustls::pki_types::ServerName::try_from(server_name.to_owned())?;
        Ok(Self::Tls {
            addr: addr.into(),
            server_name,
            connector: tokio_rustls::TlsConnector::from(config),
        })
    }

    /// The address connected to.
    #[must_use]
    pub fn addr(&self) -> &str {
        match self {
            Self::Tcp(a) => a,
            #[cfg(feature = "tls")]
            Self::Tls { addr, .. } => addr,
        }
    }
}

impl core::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Tcp(a) => write!(f, "tcp://{a}"),
            #[cfg(feature = "tls")]
            Self::Tls { addr, .. } => write!(f, "tls://{addr}"),
        }
    }
}

/// Reconnect delays: exponential from `initial` up to `max`, each with up to 50 % random
/// jitter so that many terminals do not reconnect in step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay.
    pub initial: Duration,
    /// The largest delay.
    pub max: Duration,
}

impl Default for Backoff {
    /// 100 ms doubling up to 30 s.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The delay before reconnect attempt `attempt` (0-based), with jitter from `seed`.
    pub(super) fn delay(&self, attempt: u32, seed: u64) -> Duration {
        let base = self
            .initial
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max);
        // Up to half of the delay again, from a cheap mix of the seed.
        let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
        let half = u64::try_from(base.as_micros() / 2)
            .unwrap_or(u64::MAX)
            .max(1);
        base + Duration::from_micros(mixed % half)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_at_most_half_again_of_jitter() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(2),
        };
        for (attempt, base_ms) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1600),
            (5, 2000),
            (30, 2000),
        ] {
            let base = Duration::from_millis(base_ms);
            for seed in [0, 1, 7, u64::MAX, 0x1234_5678] {
                let d = b.delay(attempt, seed);
                assert!(
                    d >= base && d < base + base / 2,
                    "attempt {attempt} seed {seed}: {d:?}"
                );
            }
        }
        // Different seeds spread the delays.
        let spread: HashSet<Duration> = (0..32).map(|s| b.delay(3, s)).collect();
        assert!(spread.len() > 16);
    }
}
