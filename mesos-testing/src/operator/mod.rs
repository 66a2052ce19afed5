//! A fake master and agent, for unit tests of code that calls the operator
//! API through [`mesos_native::operator`] (or any HTTP client): no Mesos, no
//! libmesos, no network beyond loopback.
//!
//! [`FakeMaster::start`] and [`FakeAgent::start`] listen on `127.0.0.1`
//! (a free port) and answer `POST /api/v1` in protobuf, like Mesos:
//!
//! - each call is answered by your closure ([`FakeMaster::answer_with`]),
//!   else by a canned reply for its type ([`FakeMaster::respond`],
//!   [`FakeMaster::reply`]), else GET_HEALTH-style queries get 501 (saying
//!   what to give) and the calls that only act (RESERVE_RESOURCES...) get
//!   202, as Mesos answers them;
//! - every call is recorded, typed: [`FakeMaster::calls`] and
//!   [`FakeMaster::take_calls`];
//! - SUBSCRIBE gets an event stream in RecordIO: a SUBSCRIBED event, then
//!   whatever the test pushes ([`FakeMaster::push_event`]), until
//!   [`FakeMaster::hang_up`] drops it as a master that goes away would;
//! - it can require basic authentication
//!   ([`FakeMaster::require_credentials`]: 401 without the right ones), and
//!   play a master that does not lead ([`FakeMaster::redirect_to`]: 307 to
//!   the leader, as Mesos does).
//!
//! # Testing your code
//!
//! Point your code at [`FakeMaster::url`] instead of a real master, give
//! the answers your test needs, run the code, then check what it sent:
//!
//! ```
//! use mesos_native::operator::Master;
//! use mesos_native::proto::v1::master::{call, response, Response};
//! use mesos_native::proto::v1::resource::{reservation_info, ReservationInfo};
//! use mesos_native::proto::v1::{value, AgentId, AgentInfo, Resource};
//! use mesos_native_testing::operator::FakeMaster;
//!
//! /// The code under test: unreserves everything reserved for `role`.
//! fn release(master: &Master, role: &str) -> mesos_native::Result<usize> {
//!     let mut released = 0;
//!     for agent in master.get_agents()?.agents {
//!         let reserved: Vec<_> = agent
//!             .total_resources
//!             .into_iter()
//!             .filter(|r| r.reservations.last().is_some_and(|last| last.role() == role))
//!             .collect();
//!         released += reserved.len();
//!         if !reserved.is_empty() {
//!             master.unreserve_resources(agent.agent_info.id.as_ref().unwrap(), reserved)?;
//!         }
//!     }
//!     Ok(released)
//! }
//!
//! // One agent with 2 cpus reserved for `analytics`.
//! let mut reservation = ReservationInfo { role: Some("analytics".into()), ..Default::default() };
//! reservation.set_type(reservation_info::Type::Dynamic);
//! let mut cpus = Resource {
//!     name: "cpus".into(),
//!     scalar: Some(value::Scalar { value: 2.0 }),
//!     reservations: vec![reservation],
//!     ..Default::default()
//! };
//! cpus.set_type(value::Type::Scalar);
//! let agent = response::get_agents::Agent {
//!     agent_info: AgentInfo { id: Some(AgentId { value: "S0".into() }), ..Default::default() },
//!     total_resources: vec![cpus],
//!     ..Default::default()
//! };
//!
//! let fake = FakeMaster::start();
//! let mut answer = Response::default();
//! answer.set_type(response::Type::GetAgents);
//! answer.get_agents = Some(response::GetAgents { agents: vec![agent], ..Default::default() });
//! fake.respond(call::Type::GetAgents, answer);
//!
//! let master = Master::new(&fake.url()).unwrap();
//! assert_eq!(release(&master, "analytics").unwrap(), 1);
//!
//! let calls = fake.take_calls();
//! assert_eq!(calls[1].r#type(), call::Type::UnreserveResources);
//! assert_eq!(calls[1].unreserve_resources.as_ref().unwrap().agent_id.value, "S0");
//! ```
//!
//! Event streams: subscribe, wait until the fake sees the subscriber, then
//! push events; [`hang_up`](FakeMaster::hang_up) tests how your code takes
//! a master that goes away:
//!
//! ```
//! use std::time::Duration;
//! use mesos_native::operator::Master;
//! use mesos_native::proto::v1::master::event::Type;
//! use mesos_native_testing::operator::{events, FakeMaster};
//!
//! let fake = FakeMaster::start();
//! let mut stream = Master::new(&fake.url()).unwrap().subscribe().unwrap();
//! assert_eq!(stream.next().unwrap().unwrap().r#type(), Type::Subscribed);
//!
//! fake.push_event(&events::heartbeat());
//! assert_eq!(stream.next().unwrap().unwrap().r#type(), Type::Heartbeat);
//! fake.hang_up();
//! assert!(stream.next().is_none());
//! ```

mod answers;
pub mod events;
mod server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mesos_native::proto::v1::{agent, master};
use prost::Message;

pub use answers::Reply;
use answers::{Answers, CallType};
use server::{Handled, Server};

impl CallType for master::Call {
    fn type_number(&self) -> i32 {
        self.r#type.unwrap_or(master::call::Type::Unknown as i32)
    }
    fn type_name(&self) -> &'static str {
        self.r#type().as_str_name()
    }
    fn is_query(&self) -> bool {
        master::response::Type::from_str_name(self.type_name())
            .is_some_and(|kind| kind != master::response::Type::Unknown)
    }
    fn is_subscribe(&self) -> bool {
        self.r#type() == master::call::Type::Subscribe
    }
}

impl CallType for agent::Call {
    fn type_number(&self) -> i32 {
        self.r#type.unwrap_or(agent::call::Type::Unknown as i32)
    }
    fn type_name(&self) -> &'static str {
        self.r#type().as_str_name()
    }
    fn is_query(&self) -> bool {
        agent::response::Type::from_str_name(self.type_name())
            .is_some_and(|kind| kind != agent::response::Type::Unknown)
    }
    fn is_subscribe(&self) -> bool {
        false
    }
}

/// A fake Mesos master's operator API; see the [module docs](self).
/// Stopped on drop (its event streams end).
pub struct FakeMaster {
    server: Server,
    answers: Arc<Answers<master::Call, master::Response>>,
    subscribed: Arc<Mutex<master::Event>>,
}

impl FakeMaster {
    /// Starts one on a free loopback port, healthy and leading.
    pub fn start() -> Self {
        let answers: Arc<Answers<master::Call, master::Response>> =
            Arc::new(Answers::new("master"));
        let mut health = master::Response {
            get_health: Some(master::response::GetHealth { healthy: true }),
            ..Default::default()
        };
        health.set_type(master::response::Type::GetHealth);
        answers.can(
            master::call::Type::GetHealth as i32,
            Reply::Response(health),
        );
        let subscribed = Arc::new(Mutex::new(events::subscribed(
            master::response::GetState::default(),
        )));
        let handler = {
            let (answers, subscribed) = (Arc::clone(&answers), Arc::clone(&subscribed));
            Box::new(move |body: &[u8], json: bool| {
                let call = match answers.receive(body) {
                    Ok(call) => call,
                    Err(refusal) => return refusal,
                };
                if call.is_subscribe() {
                    return Handled::Stream(vec![subscribed.lock().unwrap().encode_to_vec()]);
                }
                answers.answer(&call, json)
            })
        };
        Self {
            server: Server::start("master", handler),
            answers,
            subscribed,
        }
    }

    /// `http://127.0.0.1:PORT`, what to give `Master::new`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.address())
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        self.server.address().to_string()
    }

    /// Answers every call of `call_type` with `response` (status 200).
    pub fn respond(&self, call_type: master::call::Type, response: master::Response) -> &Self {
        self.reply(call_type, Reply::Response(response))
    }

    /// Answers every call of `call_type` with `reply`: an error status, a
    /// delay, JSON...
    pub fn reply(&self, call_type: master::call::Type, reply: Reply<master::Response>) -> &Self {
        self.answers.can(call_type as i32, reply);
        self
    }

    /// Answers each call with what `answer` returns for it; `None` falls
    /// back to the canned replies. Runs on the fake's threads.
    pub fn answer_with(
        &self,
        answer: impl FnMut(&master::Call) -> Option<Reply<master::Response>> + Send + 'static,
    ) -> &Self {
        self.answers.answer_with(Box::new(answer));
        self
    }

    /// Refuses (401) every request without these basic credentials.
    pub fn require_credentials(&self, principal: &str, secret: &str) -> &Self {
        self.server.require_credentials(principal, secret);
        self
    }

    /// Plays a master that does not lead: answers every call with a 307 to
    /// `leader` (a URL such as another fake's [`url`](Self::url)), as
    /// Mesos does: `Location: //HOST:PORT/api/v1`.
    pub fn redirect_to(&self, leader: &str) -> &Self {
        let authority = leader
            .split_once("://")
            .map_or(leader, |(_, rest)| rest)
            .trim_end_matches('/');
        self.server
            .redirect_to(Some(format!("//{authority}/api/v1")));
        self
    }

    /// Leads again: answers calls instead of redirecting them.
    pub fn lead(&self) -> &Self {
        self.server.redirect_to(None);
        self
    }

    /// How many calls it redirected (those are not in [`calls`](Self::calls)).
    pub fn redirected(&self) -> usize {
        self.server.redirected()
    }

    /// Every call it answered, in order.
    pub fn calls(&self) -> Vec<master::Call> {
        self.answers.calls()
    }

    /// The calls answered since the last look.
    pub fn take_calls(&self) -> Vec<master::Call> {
        self.answers.take_calls()
    }

    /// The state the SUBSCRIBED event of new streams carries (empty by
    /// default).
    pub fn subscribed_with(&self, state: master::response::GetState) -> &Self {
        *self.subscribed.lock().unwrap() = events::subscribed(state);
        self
    }

    /// Sends `event` down every open event stream; with none open, the
    /// next stream gets it (after its SUBSCRIBED).
    pub fn push_event(&self, event: &master::Event) {
        self.server.push(event.encode_to_vec());
    }

    /// Sends `bytes` down every open stream as they are, framing included:
    /// for testing how your code takes a broken stream.
    pub fn push_raw(&self, bytes: &[u8]) {
        self.server.push_raw(bytes.to_vec());
    }

    /// Drops every open event stream without a proper end, as a master
    /// that dies or loses its leadership does.
    pub fn hang_up(&self) {
        self.server.hang_up();
    }

    /// Waits until `count` event streams are open; whether they are.
    pub fn wait_for_subscribers(&self, count: usize, timeout: Duration) -> bool {
        self.server.wait_for_streams(count, timeout)
    }
}

/// A fake Mesos agent's operator API: as [`FakeMaster`], without event
/// streams or redirects.
pub struct FakeAgent {
    server: Server,
    answers: Arc<Answers<agent::Call, agent::Response>>,
}

impl FakeAgent {
    /// Starts one on a free loopback port, healthy.
    pub fn start() -> Self {
        let answers: Arc<Answers<agent::Call, agent::Response>> = Arc::new(Answers::new("agent"));
        let mut health = agent::Response {
            get_health: Some(agent::response::GetHealth { healthy: true }),
            ..Default::default()
        };
        health.set_type(agent::response::Type::GetHealth);
        answers.can(agent::call::Type::GetHealth as i32, Reply::Response(health));
        let handler = {
            let answers = Arc::clone(&answers);
            Box::new(move |body: &[u8], json: bool| match answers.receive(body) {
                Ok(call) => answers.answer(&call, json),
                Err(refusal) => refusal,
            })
        };
        Self {
            server: Server::start("agent", handler),
            answers,
        }
    }

    /// `http://127.0.0.1:PORT`, what to give `Agent::new`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.address())
    }

    /// Answers every call of `call_type` with `response` (status 200).
    pub fn respond(&self, call_type: agent::call::Type, response: agent::Response) -> &Self {
        self.reply(call_type, Reply::Response(response))
    }

    /// Answers every call of `call_type` with `reply`.
    pub fn reply(&self, call_type: agent::call::Type, reply: Reply<agent::Response>) -> &Self {
        self.answers.can(call_type as i32, reply);
        self
    }

    /// Answers each call with what `answer` returns for it; `None` falls
    /// back to the canned replies.
    pub fn answer_with(
        &self,
        answer: impl FnMut(&agent::Call) -> Option<Reply<agent::Response>> + Send + 'static,
    ) -> &Self {
        self.answers.answer_with(Box::new(answer));
        self
    }

    /// Refuses (401) every request without these basic credentials.
    pub fn require_credentials(&self, principal: &str, secret: &str) -> &Self {
        self.server.require_credentials(principal, secret);
        self
    }

    /// Every call it answered, in order.
    pub fn calls(&self) -> Vec<agent::Call> {
        self.answers.calls()
    }

    /// The calls answered since the last look.
    pub fn take_calls(&self) -> Vec<agent::Call> {
        self.answers.take_calls()
    }
}
