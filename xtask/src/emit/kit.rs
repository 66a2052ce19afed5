//! The testing kit's side: `calls.rs`, each kind's typed call (one variant
//! per call the code under test can make) read back from the double's
//! record; and `callbacks.rs`, one harness method per callback, firing it
//! with typed arguments.

use super::{Code, Generated};
use crate::kinds::{camel, wiring};
use crate::list::{Kind, List};
use crate::put;

/// The calls the harness makes itself, so not the code under test's.
const HARNESS_CALLS: &[&str] = &["start", "join"];

pub fn calls(list: &List) -> Result<Generated, String> {
    let mut code = Code::file(
        "Each kind's calls as values: what the code under test did with its driver,\n\
         read back from the double's record by the kinds the list gives the\n\
         arguments.",
    );
    for driver in &list.drivers {
        let wiring = wiring(&driver.name)?;
        let handle = format!("mesos_native::{}::{}", wiring.module, wiring.driver);
        code.line("");
        put!(
            code,
            "/// A call made on a [`{0}`]({handle}), with its arguments: one variant\n\
             /// per method (but `start` and `join`, which the harness makes itself).",
            wiring.driver
        );
        code.line("// Not boxed: a test reads a handful of these.");
        code.line("#[allow(clippy::large_enum_variant)]");
        code.line("#[derive(Debug, Clone, PartialEq)]");
        code.line("#[non_exhaustive]");
        put!(code, "pub enum {} {{", wiring.kit_call);
        let made = driver
            .lifecycle
            .iter()
            .chain(&driver.calls)
            .filter(|call| !HARNESS_CALLS.contains(&call.name.as_str()));
        for call in made.clone() {
            put!(code, "/// [`{0}`]({handle}::{0}).", call.name);
            let variant = camel(&call.name);
            let inputs: Vec<_> = call.inputs().collect();
            if inputs.is_empty() {
                put!(code, "{variant},");
                continue;
            }
            put!(code, "{variant} {{");
            for arg in inputs {
                put!(code, "/// Its `{}`.", arg.name);
                put!(code, "{}: {},", arg.name, owned_type(&arg.kind));
            }
            code.line("},");
        }
        code.line("}");
        code.line("");
        put!(
            code,
            "/// The typed form of one recorded call; `None` for the harness's own."
        );
        put!(
            code,
            "pub(crate) fn typed_{}(call: &mesos_native_double::Call) -> Option<{}> {{",
            driver.name,
            wiring.kit_call
        );
        code.line("#[allow(unused_mut)]");
        code.line("let mut args = crate::recorded::Args::new(call);");
        code.line("Some(match call.name {");
        put!(
            code,
            "{} => return None,",
            HARNESS_CALLS
                .iter()
                .map(|name| format!("\"{name}\""))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        for call in made {
            let variant = camel(&call.name);
            let mut fields = Vec::new();
            for arg in &call.args {
                let read = match &arg.kind {
                    Kind::Message(_) => "args.message()",
                    Kind::Messages(_) => "args.messages()",
                    Kind::Strings => "args.strings()",
                    Kind::Bytes => "args.bytes()",
                    Kind::Optional(_) => "args.optional()",
                    Kind::Flag | Kind::Int => "args.flag()",
                    Kind::Completion(_) => "args.completion()",
                };
                fields.push((arg, read));
            }
            // A completion's marker is read in its turn, but is no field.
            let mut reads = String::new();
            let mut values = Vec::new();
            for (arg, read) in fields {
                if matches!(arg.kind, Kind::Completion(_)) {
                    reads.push_str(&format!("{read};\n"));
                } else {
                    reads.push_str(&format!("let {} = {read};\n", arg.name));
                    values.push(arg.name.as_str());
                }
            }
            let value = if values.is_empty() {
                format!("{}::{variant}", wiring.kit_call)
            } else {
                format!("{}::{variant} {{ {} }}", wiring.kit_call, values.join(", "))
            };
            if reads.is_empty() {
                put!(code, "\"{}\" => {value},", call.name);
            } else {
                put!(code, "\"{}\" => {{\n{reads}{value}\n}}", call.name);
            }
        }
        code.line(
            "other => panic!(\"mesos-native-testing: `{other}` is not a call of the boundary list\"),",
        );
        code.line("})");
        code.line("}");
    }
    Ok(code.done("mesos-testing/src/calls.rs"))
}

pub fn callbacks(list: &List) -> Result<Generated, String> {
    let mut code = Code::file(
        "One harness method per callback of each kind: it fires the callback with\n\
         these arguments, on the test's thread, and returns once the code under test\n\
         has (raising its panic here, if it panicked).",
    );
    code.line("use prost::Message;");
    for driver in &list.drivers {
        let wiring = wiring(&driver.name)?;
        let user_trait = format!("mesos_native::{}::{}", wiring.module, wiring.user_trait);
        code.line("");
        put!(code, "impl crate::{} {{", wiring.kit_harness);
        for callback in &driver.callbacks {
            let mut params = vec!["&self".to_string()];
            let mut encoded = Vec::new();
            for arg in &callback.args {
                let name = &arg.name;
                match &arg.kind {
                    Kind::Message(t) => {
                        params.push(format!("{name}: &mesos_native::proto::{t}"));
                        encoded.push(format!("{name}.encode_to_vec()"));
                    }
                    Kind::Messages(t) => {
                        params.push(format!(
                            "{name}: impl IntoIterator<Item = mesos_native::proto::{t}>"
                        ));
                        encoded.push(format!(
                            "{name}.into_iter().map(|item| item.encode_to_vec()).collect()"
                        ));
                    }
                    Kind::Bytes => {
                        params.push(format!("{name}: &[u8]"));
                        encoded.push(format!("{name}.to_vec()"));
                    }
                    Kind::Int => {
                        params.push(format!("{name}: i32"));
                        encoded.push(name.clone());
                    }
                    _ => unreachable!("not a callback argument"),
                }
            }
            put!(code, "/// Fires [`{0}`]({user_trait}::{0}).", callback.name);
            put!(code, "pub fn {}({}) {{", callback.name, params.join(", "));
            for (arg, value) in callback.args.iter().zip(&encoded) {
                if *value != arg.name {
                    put!(code, "let {} = {value};", arg.name);
                }
            }
            let names: Vec<&str> = callback.args.iter().map(|arg| arg.name.as_str()).collect();
            put!(
                code,
                "self.fire(|double| double.{}({}));",
                callback.name,
                names.join(", ")
            );
            code.line("}");
            code.line("");
        }
        code.line("}");
    }
    Ok(code.done("mesos-testing/src/callbacks.rs"))
}

fn owned_type(kind: &Kind) -> String {
    match kind {
        Kind::Message(t) => format!("mesos_native::proto::{t}"),
        Kind::Messages(t) => format!("Vec<mesos_native::proto::{t}>"),
        Kind::Strings => "Vec<String>".into(),
        Kind::Bytes => "Vec<u8>".into(),
        Kind::Optional(t) => format!("Option<mesos_native::proto::{t}>"),
        Kind::Flag => "bool".into(),
        Kind::Int => "i32".into(),
        Kind::Completion(_) => unreachable!("no field"),
    }
}
