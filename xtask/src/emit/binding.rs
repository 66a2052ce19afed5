//! The safe crate's side, per kind of driver: `driver_calls.rs`, the
//! public methods of the handle (lifecycle and driver calls), and
//! `callbacks.rs`, the table handed to the shim with one trampoline per
//! callback.

use super::{Code, Generated};
use crate::kinds::{short, Wiring};
use crate::list::{Arg, Call, Driver, Kind};
use crate::put;

pub fn driver_calls(driver: &Driver, wiring: &Wiring) -> Generated {
    let handle_type = format!("super::{}", wiring.driver);
    let mut code = Code::file(&format!(
        "The calls of [`{0}`](super::{0}), one method per call of the list's\n\
         `{1}` section: each passes the kind's preconditions first (calls marked\n\
         `checked`), encodes its arguments for the shim, and calls it on the\n\
         live C++ object. The lifecycle's rules are in `crate::driver`.",
        wiring.driver, driver.name
    ));
    code.doc("The shim functions the generic lifecycle of `crate::driver` calls.");
    put!(
        code,
        "pub(super) fn natives(api: &mesos_native_sys::ShimApi) -> crate::driver::Natives<mesos_native_sys::{}> {{",
        driver.handle
    );
    put!(
        code,
        "crate::driver::Natives {{ start: api.{}, abort: api.{}, join: api.{}, free: api.{} }}",
        driver.lifecycle_call("start").c_name,
        driver.lifecycle_call("abort").c_name,
        driver.lifecycle_call("join").c_name,
        driver.free
    );
    code.line("}");
    code.line("");
    put!(code, "impl {handle_type} {{");
    code.doc("The status as of the last call (or failure).");
    code.line("pub fn status(&self) -> crate::DriverStatus {");
    code.line("    crate::driver::Kind::handle(self).status()");
    code.line("}");
    code.line("");
    for call in &driver.lifecycle {
        lifecycle_method(&mut code, call);
    }
    code.doc("`start`, then `join`: blocks until the driver is stopped (`Ok(Stopped)`)");
    code.doc("or aborted (the reason, as an error).");
    code.line("pub fn run(&self) -> crate::Result<crate::DriverStatus> {");
    code.line("    crate::driver::Kind::handle(self).run()");
    code.line("}");
    for call in &driver.calls {
        code.line("");
        driver_method(&mut code, call);
    }
    code.line("}");
    code.done(&format!("{}/driver_calls.rs", wiring.dir))
}

fn lifecycle_method(code: &mut Code, call: &Call) {
    code.docs(&call.docs);
    let params = parameters(call);
    put!(
        code,
        "pub fn {}(&self{params}) -> crate::Result<crate::DriverStatus> {{",
        call.name
    );
    if call.name == "stop" {
        encode(code, call);
        code.line("let handle = crate::driver::Kind::handle(self);");
        code.line("let api = handle.api();");
        code.line("handle.stop(|raw| {");
        code.line("    // SAFETY: `stop` lends the live C++ object for this call.");
        put!(code, "    unsafe {{ {} }}", c_call(call));
        code.line("})");
    } else {
        put!(code, "crate::driver::Kind::handle(self).{}()", call.name);
    }
    code.line("}");
    code.line("");
}

fn driver_method(code: &mut Code, call: &Call) {
    code.docs(&call.docs);
    let returns = match call.completion() {
        Some(answer) => format!("crate::Completion<crate::proto::{answer}>"),
        None => "crate::Result<()>".into(),
    };
    // Inlinable into the caller's crate: what is left of the method once
    // its arguments are encoded (out of line) is a few loads and tests
    // around the shim's call, and a call of its own cost each driver call
    // a frame and a result written to memory and read back.
    code.line("#[inline]");
    put!(
        code,
        "pub fn {}(&self{}) -> {returns} {{",
        call.name,
        parameters(call)
    );
    if call.checked {
        let args: Vec<&str> = call.inputs().map(|arg| arg.name.as_str()).collect();
        let check = format!(
            "super::preconditions::{}(crate::driver::Kind::handle(self).settings(), {})",
            call.name,
            args.join(", ")
        );
        match call.completion() {
            Some(_) => put!(
                code,
                "if let Err(error) = {check} {{ return crate::Completion::ready(Err(error)); }}"
            ),
            None => put!(code, "{check}?;"),
        }
    }
    encode(code, call);
    code.line("let handle = crate::driver::Kind::handle(self);");
    code.line("let api = handle.api();");
    let shim_call = format!(
        "handle.call(|raw| {{\n\
         // SAFETY: `call` lends the live C++ object for this call; every encoded\n\
         // argument lives until it returns.\n\
         unsafe {{ {} }}\n\
         }})",
        c_call(call)
    );
    match call.completion() {
        Some(_) => {
            put!(code, "let result = {shim_call};");
            let completion = &call.args.iter().find(is_completion).expect("has one").name;
            put!(code, "{completion}.settle(result)");
        }
        None => put!(code, "{shim_call}"),
    }
    code.line("}");
}

fn is_completion(arg: &&Arg) -> bool {
    matches!(arg.kind, Kind::Completion(_))
}

/// `, name: Type` for each argument the caller passes.
fn parameters(call: &Call) -> String {
    call.inputs()
        .map(|arg| format!(", {}: {}", arg.name, rust_parameter(&arg.kind)))
        .collect()
}

fn rust_parameter(kind: &Kind) -> String {
    match kind {
        Kind::Message(t) => format!("&crate::proto::{t}"),
        Kind::Messages(t) => format!("&[crate::proto::{t}]"),
        Kind::Strings => "&[impl AsRef<str>]".into(),
        Kind::Bytes => "&[u8]".into(),
        Kind::Optional(t) => format!("Option<&crate::proto::{t}>"),
        Kind::Flag => "bool".into(),
        Kind::Int => "i32".into(),
        Kind::Completion(_) => unreachable!("returned, not passed"),
    }
}

/// `let arg = <encoded>;` for each argument, kept alive until the call
/// returns.
fn encode(code: &mut Code, call: &Call) {
    for arg in &call.args {
        let name = &arg.name;
        let encoded = match &arg.kind {
            Kind::Message(_) => format!("prost::Message::encode_to_vec({name})"),
            Kind::Messages(_) => format!("crate::boundary::EncodedList::messages({name})"),
            Kind::Strings => format!("crate::boundary::EncodedList::strings({name})"),
            Kind::Bytes => continue,
            Kind::Optional(_) => format!("crate::boundary::EncodedOptional::new({name})"),
            Kind::Flag => format!("i32::from({name})"),
            Kind::Completion(_) => format!(
                "crate::boundary::Pending::<crate::proto::{}>::new(\"{}\")",
                call.completion().expect("a completion"),
                call.name
            ),
            Kind::Int => continue,
        };
        put!(code, "let {name} = {encoded};");
    }
}

/// The shim call on `raw`, with each encoded argument as its C parameters.
fn c_call(call: &Call) -> String {
    let mut args = vec!["raw".to_string()];
    for arg in &call.args {
        let name = &arg.name;
        match &arg.kind {
            Kind::Message(_) => args.push(format!("crate::boundary::buf(&{name})")),
            Kind::Bytes => args.push(format!("crate::boundary::buf({name})")),
            Kind::Messages(_) | Kind::Strings => {
                args.push(format!("{name}.as_ptr()"));
                args.push(format!("{name}.len()"));
            }
            Kind::Optional(_) => args.push(format!("{name}.as_ptr()")),
            Kind::Flag | Kind::Int => args.push(name.clone()),
            Kind::Completion(_) => {
                args.push(format!("{name}.callback()"));
                args.push(format!("{name}.context()"));
            }
        }
    }
    format!("(api.{})({})", call.c_name, args.join(", "))
}

pub fn callbacks(driver: &Driver, wiring: &Wiring) -> Generated {
    let handle_type = format!("super::{}", wiring.driver);
    let mut code = Code::file(&format!(
        "The callbacks a `{0}` driver hands the shim: the table, and one trampoline\n\
         per callback of the list's `{0}` section. Each decodes its arguments and calls\n\
         the method of the same name of the user's object through\n\
         `crate::driver::deliver`, where a panic or an undecodable message stops and\n\
         aborts the driver.",
        driver.name
    ));
    code.doc("The table every driver of this kind hands the shim.");
    put!(
        code,
        "pub(super) static CALLBACKS: mesos_native_sys::{0} = mesos_native_sys::{0} {{",
        driver.table
    );
    for callback in &driver.callbacks {
        put!(code, "{0}: Some({0}),", callback.name);
    }
    code.line("error: Some(error),");
    code.line("};");
    for callback in &driver.callbacks {
        code.line("");
        let mut params = vec!["user_data: *mut std::os::raw::c_void".to_string()];
        let mut decode = Vec::new();
        for arg in &callback.args {
            let name = &arg.name;
            let what = format!(
                "{}: {}",
                callback.name,
                arg.kind.message_type().map_or("", short)
            );
            match &arg.kind {
                Kind::Message(t) => {
                    params.push(format!("{name}: mesos_native_sys::mesos_shim_buf"));
                    decode.push(format!(
                        "let {name}: crate::proto::{t} = crate::boundary::decode(&{name}, \"{what}\")?;"
                    ));
                }
                Kind::Messages(t) => {
                    params.push(format!("{name}: *const mesos_native_sys::mesos_shim_buf"));
                    params.push(format!("{name}_len: usize"));
                    decode.push(format!(
                        "let {name}: Vec<crate::proto::{t}> = \
                         crate::boundary::decode_list({name}, {name}_len, \"{what}\")?;"
                    ));
                }
                Kind::Bytes => {
                    params.push(format!("{name}: mesos_native_sys::mesos_shim_buf"));
                    decode.push(format!(
                        "let {name} = crate::boundary::bytes(&{name}).to_vec();"
                    ));
                }
                Kind::Int => params.push(format!("{name}: i32")),
                other => unreachable!("callbacks have no {}", kind_word(other)),
            }
        }
        let args: Vec<&str> = callback.args.iter().map(|arg| arg.name.as_str()).collect();
        code.doc(&format!(
            "`{}::{}`, from the shim.",
            wiring.label, callback.name
        ));
        put!(
            code,
            "unsafe extern \"C\" fn {}({}) {{",
            callback.name,
            params.join(", ")
        );
        code.line("// SAFETY: the shim passes the user data this driver gave it (its C++");
        code.line("// object lives while it calls back) and buffers valid for this call,");
        code.line("// which the decoding copies before it returns.");
        code.line("unsafe {");
        put!(
            code,
            "crate::driver::deliver::<{handle_type}>(user_data, \"{}::{}\", |user, driver| {{",
            wiring.label,
            callback.name
        );
        for line in &decode {
            code.line(line);
        }
        let mut call_args = vec!["driver"];
        call_args.extend(args);
        put!(code, "user.{}({});", callback.name, call_args.join(", "));
        code.line("Ok(())");
        code.line("})");
        code.line("}");
        code.line("}");
    }
    code.line("");
    code.doc(&format!(
        "`{}::error`, from the shim: recorded as the abort's reason, then handed to",
        wiring.label
    ));
    code.doc("the user.");
    code.line(
        "unsafe extern \"C\" fn error(user_data: *mut std::os::raw::c_void, message: mesos_native_sys::mesos_shim_buf) {",
    );
    code.line("// SAFETY: the shim passes the user data this driver gave it (its C++");
    code.line("// object lives while it calls back) and a buffer valid for this call.");
    code.line("unsafe {");
    put!(
        code,
        "crate::driver::deliver_error::<{handle_type}>(user_data, \"{}::error\", crate::boundary::bytes(&message), |user, driver, text| user.error(driver, text))",
        wiring.label
    );
    code.line("}");
    code.line("}");
    code.done(&format!("{}/callbacks.rs", wiring.dir))
}

fn kind_word(kind: &Kind) -> &'static str {
    match kind {
        Kind::Message(_) => "message",
        Kind::Messages(_) => "messages",
        Kind::Strings => "strings",
        Kind::Bytes => "bytes",
        Kind::Optional(_) => "optional",
        Kind::Flag => "flag",
        Kind::Completion(_) => "completion",
        Kind::Int => "int",
    }
}
