//! `src/stream/events.rs`: per kind of driver, the event type (one variant
//! per callback, and `Error`), the constructor of a forwarder and its
//! stream (named as the list's section), and the user trait implemented by
//! `Forward`, which queues each callback as its event. Generated so that a
//! callback added to the list can't be left out of the stream.

use super::{Code, Generated};
use crate::kinds::{camel, wiring};
use crate::list::{Kind, List};
use crate::put;

pub fn events(list: &List) -> Result<Generated, String> {
    let mut code = Code::file(
        "The events of each kind of driver, one variant per callback; for each kind, the\n\
         constructor of a forwarder and its stream, and `Forward`, the user object that\n\
         queues each callback as its event.",
    );
    code.line("use super::forward::{pair, running, Events, Forward};");
    for driver in &list.drivers {
        let wiring = wiring(&driver.name)?;
        let user_trait = format!("crate::{}::{}", wiring.module, wiring.user_trait);
        let handle = format!("crate::{}::{}", wiring.module, wiring.driver);
        code.line("");
        put!(
            code,
            "/// A callback of [`{user_trait}`] as a value: one variant per method,\n\
             /// with its arguments."
        );
        code.line("// Not boxed: each event is moved once, into the queue and out of it;");
        code.line("// a box would cost an allocation per event.");
        code.line("#[allow(clippy::large_enum_variant)]");
        code.line("#[derive(Debug, Clone, PartialEq)]");
        code.line("#[non_exhaustive]");
        put!(code, "pub enum {} {{", wiring.event);
        for callback in &driver.callbacks {
            put!(code, "/// [`{user_trait}::{}`].", callback.name);
            let variant = camel(&callback.name);
            if callback.args.is_empty() {
                put!(code, "{variant},");
                continue;
            }
            put!(code, "{variant} {{");
            for arg in &callback.args {
                put!(code, "/// Its `{}`.", arg.name);
                put!(code, "{}: {},", arg.name, rust_type(&arg.kind));
            }
            code.line("},");
        }
        put!(
            code,
            "/// [`{user_trait}::error`]: the driver is aborted right after.\n\
             Error {{\n/// What went wrong.\nmessage: String,\n}},"
        );
        code.line("}");
        code.line("");
        put!(
            code,
            "/// A [`{user_trait}`] whose callbacks become the returned stream's events,\n\
             /// at most `capacity` queued (see the [module docs](super) for when it is\n\
             /// full)."
        );
        put!(
            code,
            "pub fn {0}(capacity: usize) -> (Forward<{1}>, Events<{1}>) {{\npair(capacity)\n}}",
            driver.name,
            wiring.event
        );
        code.line("");
        put!(code, "impl {user_trait} for Forward<{}> {{", wiring.event);
        for callback in &driver.callbacks {
            let mut params = format!("&mut self, driver: &{handle}");
            for arg in &callback.args {
                params.push_str(&format!(", {}: {}", arg.name, rust_type(&arg.kind)));
            }
            put!(code, "fn {}({params}) {{", callback.name);
            let variant = camel(&callback.name);
            let fields: Vec<&str> = callback.args.iter().map(|arg| arg.name.as_str()).collect();
            let event = if fields.is_empty() {
                format!("{}::{variant}", wiring.event)
            } else {
                format!("{}::{variant} {{ {} }}", wiring.event, fields.join(", "))
            };
            put!(code, "self.forward({event}, || running(driver.status()));");
            code.line("}");
            code.line("");
        }
        code.line("/// The driver is already aborted here, so the event is queued only if");
        code.line("/// there is room: it never waits.");
        put!(
            code,
            "fn error(&mut self, _: &{handle}, message: String) {{"
        );
        put!(
            code,
            "self.forward({}::Error {{ message }}, || false);",
            wiring.event
        );
        code.line("}");
        code.line("}");
    }
    Ok(code.done("src/stream/events.rs"))
}

/// The owned type a callback argument is decoded into.
pub fn rust_type(kind: &Kind) -> String {
    match kind {
        Kind::Message(t) => format!("crate::proto::{t}"),
        Kind::Messages(t) => format!("Vec<crate::proto::{t}>"),
        Kind::Bytes => "Vec<u8>".into(),
        Kind::Int => "i32".into(),
        _ => unreachable!("not a callback argument"),
    }
}
