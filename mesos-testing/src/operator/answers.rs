//! What a fake answers each call with, and the calls it got: shared by
//! the fake master and agent, over their own Call and Response types.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use prost::Message;

use super::server::Handled;

/// How a fake master or agent answers a call.
#[derive(Clone, Debug)]
pub enum Reply<R> {
    /// 200 with this response (as protobuf).
    Response(R),
    /// 202 with no body, as Mesos answers the calls that only act.
    Accepted,
    /// An error status, with Mesos's explanation as the body.
    Status {
        /// e.g. 409.
        status: u16,
        /// e.g. `Insufficient resources`.
        body: String,
    },
    /// 200 with this JSON text, for a client that asked for JSON
    /// (`call_json`). A fake cannot turn protobuf into Mesos's JSON.
    Json(String),
    /// `reply`, after a pause: for testing timeouts.
    Delayed(Duration, Box<Reply<R>>),
}

/// A Call type's number and name, from the generated code.
pub(crate) trait CallType {
    fn type_number(&self) -> i32;
    fn type_name(&self) -> &'static str;
    /// Whether the API answers this call with a Response of its own
    /// (else it only acts, and is answered 202).
    fn is_query(&self) -> bool;
    fn is_subscribe(&self) -> bool;
}

type Answerer<C, R> = Box<dyn FnMut(&C) -> Option<Reply<R>> + Send>;

/// The calls a fake got and how it answers them.
pub(crate) struct Answers<C, R> {
    what: &'static str,
    calls: Mutex<Vec<C>>,
    canned: Mutex<HashMap<i32, Reply<R>>>,
    answerer: Mutex<Option<Answerer<C, R>>>,
}

impl<C: Message + Default + CallType + Clone, R: Message + Clone> Answers<C, R> {
    pub(crate) fn new(what: &'static str) -> Self {
        Self {
            what,
            calls: Mutex::default(),
            canned: Mutex::default(),
            answerer: Mutex::default(),
        }
    }

    pub(crate) fn can(&self, call_type: i32, reply: Reply<R>) {
        self.canned.lock().unwrap().insert(call_type, reply);
    }

    pub(crate) fn answer_with(&self, answerer: Answerer<C, R>) {
        *self.answerer.lock().unwrap() = Some(answerer);
    }

    pub(crate) fn calls(&self) -> Vec<C> {
        self.calls.lock().unwrap().clone()
    }

    pub(crate) fn take_calls(&self) -> Vec<C> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }

    /// Decodes and records a call; `Err` is the answer to a body that is
    /// no call.
    pub(crate) fn receive(&self, body: &[u8]) -> Result<C, Handled> {
        match C::decode(body) {
            Ok(call) => {
                self.calls.lock().unwrap().push(call.clone());
                Ok(call)
            }
            Err(error) => Err(text(
                400,
                format!("the fake {} cannot decode this Call: {error}", self.what),
            )),
        }
    }

    /// The answer to `call`: the closure's, else the canned one, else the
    /// default (202 for a call that only acts, 501 for a query nobody gave
    /// an answer for).
    pub(crate) fn answer(&self, call: &C, json: bool) -> Handled {
        let from_closure = self
            .answerer
            .lock()
            .unwrap()
            .as_mut()
            .and_then(|answerer| answerer(call));
        let reply = from_closure.or_else(|| {
            self.canned
                .lock()
                .unwrap()
                .get(&call.type_number())
                .cloned()
        });
        match reply {
            Some(reply) => self.handled(reply, call, json),
            None if call.is_query() => text(
                501,
                format!(
                    "the fake {} has no answer for {}: give one with respond(), reply() or \
                     answer_with()",
                    self.what,
                    call.type_name()
                ),
            ),
            None => self.handled(Reply::Accepted, call, json),
        }
    }

    fn handled(&self, reply: Reply<R>, call: &C, json: bool) -> Handled {
        match reply {
            Reply::Response(_) if json => text(
                406,
                format!(
                    "the fake {} has only a protobuf answer for {}: give JSON with Reply::Json",
                    self.what,
                    call.type_name()
                ),
            ),
            Reply::Response(response) => Handled::Answer {
                status: 200,
                content_type: "application/x-protobuf",
                body: response.encode_to_vec(),
            },
            Reply::Accepted => Handled::Answer {
                status: 202,
                content_type: "text/plain",
                body: Vec::new(),
            },
            Reply::Status { status, body } => text(status, body),
            Reply::Json(json) => Handled::Answer {
                status: 200,
                content_type: "application/json",
                body: json.into_bytes(),
            },
            Reply::Delayed(pause, reply) => {
                std::thread::sleep(pause);
                self.handled(*reply, call, json)
            }
        }
    }
}

fn text(status: u16, body: String) -> Handled {
    Handled::Answer {
        status,
        content_type: "text/plain",
        body: body.into_bytes(),
    }
}
