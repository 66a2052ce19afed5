//! The one place that speaks HTTP: a POST of a serialized call over
//! [ureq](https://docs.rs/ureq), answered whole or as a stream.
//!
//! Why ureq: it is blocking (no async runtime pulled into a crate whose
//! drivers are callback-based), maintained, and small: without its default
//! features it brings `http`, `httparse`, `base64`, `percent-encoding` and
//! two crates of its own, and TLS only on request (feature
//! `operator-tls`). Redirects are not left to it: ureq does not resend a
//! POST body on a 307, and the client must keep its credentials across
//! masters of one cluster and report a loop by name, so
//! [`Client`](super::client::Client) follows them.
//!
//! Everything above this module is plain data (bytes in, status and bytes
//! out), so an async transport can take its place later.

use std::io::Read;
use std::time::Duration;

use super::error::{Failure, OperatorErrorKind};

/// A body larger than this is refused: a GET_STATE of a big cluster is
/// tens of MiB, nothing the API answers comes near a GiB.
const MAX_BODY: u64 = 1 << 30;

/// What the master or agent said.
pub(crate) struct Answer<B> {
    pub(crate) status: u16,
    /// The `Location` of a redirect.
    pub(crate) location: Option<String>,
    pub(crate) body: B,
}

/// The content types of the operator API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Accept {
    Protobuf,
    Json,
}

impl Accept {
    fn media_type(self) -> &'static str {
        match self {
            Accept::Protobuf => PROTOBUF,
            Accept::Json => "application/json",
        }
    }
}

const PROTOBUF: &str = "application/x-protobuf";

/// An HTTP client with the settings of one operator client.
pub(crate) struct Transport {
    agent: ureq::Agent,
    timeout: Duration,
    idle_timeout: Duration,
    /// `Basic ...`, sent with every request.
    authorization: Option<String>,
}

impl Transport {
    /// `timeout` bounds each call whole; `idle_timeout` how long an event
    /// stream may stay silent.
    pub(crate) fn new(
        timeout: Duration,
        idle_timeout: Duration,
        credentials: Option<(&str, &str)>,
    ) -> Self {
        use base64::Engine;
        let config = ureq::Agent::config_builder()
            // Error statuses carry Mesos's reason in their body: read it.
            .http_status_as_error(false)
            // See the module docs: the client follows redirects itself.
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .user_agent(concat!("mesos-rs/", env!("CARGO_PKG_VERSION")))
            .build();
        let authorization = credentials.map(|(principal, secret)| {
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{principal}:{secret}"));
            format!("Basic {token}")
        });
        Self {
            agent: config.new_agent(),
            timeout,
            idle_timeout,
            authorization,
        }
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    pub(crate) fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    fn request(
        &self,
        url: &str,
        accept: Accept,
    ) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        let request = self
            .agent
            .post(url)
            .header("Content-Type", PROTOBUF)
            .header("Accept", accept.media_type());
        match &self.authorization {
            Some(authorization) => request.header("Authorization", authorization),
            None => request,
        }
    }

    /// POSTs `body` to `url` and reads the whole answer.
    pub(crate) fn post(
        &self,
        url: &str,
        body: &[u8],
        accept: Accept,
    ) -> Result<Answer<Vec<u8>>, Failure> {
        let response = self
            .request(url, accept)
            .send(body)
            .map_err(|error| self.failure(error, self.timeout))?;
        let (status, location) = head(&response);
        let body = response
            .into_body()
            .into_with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|error| self.failure(error, self.timeout))?;
        Ok(Answer {
            status,
            location,
            body,
        })
    }

    /// POSTs `body` to `url` and, on a 2xx answer, hands back its body as
    /// it arrives (each read waits at most the idle timeout); any other
    /// answer is read whole.
    pub(crate) fn open_stream(&self, url: &str, body: &[u8]) -> Result<Answer<Streamed>, Failure> {
        let timeout = Some(self.timeout);
        let response = self
            .request(url, Accept::Protobuf)
            .config()
            // The stream lasts as long as the subscription: only its
            // setup, and each silence, are bounded.
            .timeout_global(None)
            .timeout_connect(timeout)
            .timeout_send_request(timeout)
            .timeout_send_body(timeout)
            .timeout_recv_response(timeout)
            .timeout_per_read(Some(self.idle_timeout))
            .build()
            .send(body)
            .map_err(|error| self.failure(error, self.timeout))?;
        let (status, location) = head(&response);
        let body = response.into_body().into_with_config();
        let body = if (200..300).contains(&status) {
            // No limit: it would end a long subscription. The RecordIO
            // decoder bounds each record instead.
            Streamed::Open(Box::new(body.reader()))
        } else {
            Streamed::Refused(
                body.limit(MAX_BODY)
                    .read_to_vec()
                    .map_err(|error| self.failure(error, self.timeout))?,
            )
        };
        Ok(Answer {
            status,
            location,
            body,
        })
    }

    fn failure(&self, error: ureq::Error, after: Duration) -> Failure {
        match error {
            ureq::Error::Timeout(_) => Failure::TimedOut(after),
            error => Failure::Kind(OperatorErrorKind::Transport {
                source: Box::new(error),
            }),
        }
    }
}

/// An event stream's body, or the body of its refusal.
pub(crate) enum Streamed {
    Open(Box<dyn Read + Send>),
    Refused(Vec<u8>),
}

fn head(response: &ureq::http::Response<ureq::Body>) -> (u16, Option<String>) {
    let location = response
        .headers()
        .get("Location")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    (response.status().as_u16(), location)
}

/// How a read of a stream's body failed.
pub(crate) enum StreamEnd {
    /// The connection closed or broke: the stream is over.
    Closed(String),
    /// Nothing arrived for the idle timeout.
    Silent,
}

/// Tells a dropped connection from a silent one.
pub(crate) fn stream_end(error: std::io::Error) -> StreamEnd {
    // ureq wraps its own errors in the io::Error its reader returns.
    match ureq::Error::from(error) {
        ureq::Error::Timeout(_) => StreamEnd::Silent,
        ureq::Error::Io(error) if error.kind() == std::io::ErrorKind::TimedOut => StreamEnd::Silent,
        other => StreamEnd::Closed(other.to_string()),
    }
}
