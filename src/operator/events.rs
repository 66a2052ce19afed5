//! [`Events`]: the master's event stream (the answer to SUBSCRIBE), as an
//! iterator of typed events.

use std::io::Read;
use std::time::Duration;

use prost::Message;

use super::error::{Failure, OperatorErrorKind};
use super::recordio::Decoder;
use super::transport::{self, StreamEnd};
use crate::error::Result;
use crate::proto::v1::master::Event;

/// How much is read from the connection at a time.
const READ_SIZE: usize = 64 * 1024;

/// The master's events, from [`Master::subscribe`](super::Master::subscribe):
/// first `SUBSCRIBED` (the whole state), then one per change, with a
/// `HEARTBEAT` between when nothing happens.
///
/// It ends (`None`) when the connection closes or breaks, as when the
/// master stops or loses its leadership: subscribe again (to the new
/// leader) to go on. An error ends it too, after it is returned: a record
/// that is not RecordIO or not an `Event`
/// ([`OperatorErrorKind::BadAnswer`]), or a silence longer than the
/// client's event timeout ([`Error::TimedOut`](crate::Error::TimedOut)), which is what
/// a connection lost without a word looks like. Dropping it closes the
/// connection.
pub struct Events {
    reader: Box<dyn Read + Send>,
    decoder: Decoder,
    /// The URL the stream came from, for errors.
    endpoint: String,
    idle_timeout: Duration,
    /// Records decoded so far, for errors.
    received: u64,
    /// Where reads land (on the heap: an iterator's `next` is no place
    /// for a 64 KiB frame).
    buffer: Box<[u8]>,
    ended: bool,
}

impl Events {
    pub(crate) fn new(
        reader: Box<dyn Read + Send>,
        endpoint: String,
        idle_timeout: Duration,
    ) -> Self {
        Self {
            reader,
            decoder: Decoder::default(),
            endpoint,
            idle_timeout,
            received: 0,
            buffer: vec![0; READ_SIZE].into_boxed_slice(),
            ended: false,
        }
    }

    /// The URL of the master the events come from.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn fail(&mut self, failure: impl Into<Failure>) -> Option<Result<Event>> {
        self.ended = true;
        Some(Err(failure
            .into()
            .error(self.endpoint.clone(), "SUBSCRIBE")))
    }

    fn end(&mut self, why: &str) -> Option<Result<Event>> {
        self.ended = true;
        if self.decoder.is_mid_record() {
            log::warn!(
                "operator API: the event stream from {} {why} in the middle of a record",
                self.endpoint
            );
        } else {
            log::info!(
                "operator API: the event stream from {} {why}",
                self.endpoint
            );
        }
        None
    }
}

impl Iterator for Events {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.ended {
            match self.decoder.next_record() {
                Ok(Some(record)) => {
                    self.received += 1;
                    return match Event::decode(record.as_slice()) {
                        Ok(event) => Some(Ok(event)),
                        Err(error) => {
                            let reason = format!(
                                "record {} of the event stream ({} bytes) is not a master \
                                 Event: {error}",
                                self.received,
                                record.len()
                            );
                            self.fail(OperatorErrorKind::BadAnswer { reason })
                        }
                    };
                }
                Ok(None) => {}
                Err(malformed) => {
                    let reason = format!(
                        "the event stream is not RecordIO after {} record(s): {}",
                        self.received, malformed.0
                    );
                    return self.fail(OperatorErrorKind::BadAnswer { reason });
                }
            }
            match self.reader.read(&mut self.buffer) {
                Ok(0) => return self.end("ended"),
                Ok(read) => self.decoder.feed(&self.buffer[..read]),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => match transport::stream_end(error) {
                    StreamEnd::Silent => {
                        let after = self.idle_timeout;
                        return self.fail(Failure::TimedOut(after));
                    }
                    StreamEnd::Closed(reason) => {
                        return self.end(&format!("broke off ({reason})"));
                    }
                },
            }
        }
        None
    }
}

impl std::iter::FusedIterator for Events {}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("endpoint", &self.endpoint)
            .field("received", &self.received)
            .field("ended", &self.ended)
            .finish()
    }
}
