//! `mesos-sys/src/api.rs`: `ShimApi`, one function pointer per function
//! of the header, typed as bindgen typed the function; and the table of
//! the real ones. Also where the list and the header are held against
//! each other: a function in one and not the other is an error here.

use std::collections::BTreeSet;

use super::{Code, Generated};
use crate::header::{same_type, Header};
use crate::list::{Driver, Kind, List};
use crate::put;

pub fn shim_api(list: &List, header: &Header) -> Result<Generated, String> {
    let listed = check(list, header)?;
    let mut code = Code::file(
        "A table of the shim's entry points: every function of `wrapper/mesos_shim.h`,\n\
         in the order of the boundary list, with the signature bindgen read from the\n\
         header.\n\
         \n\
         Calling through a table instead of the extern functions directly lets a\n\
         build without libmesos link (nothing references the undefined symbols),\n\
         and lets the binding run over another implementation of the same header\n\
         (the test double).",
    );
    code.line("use crate::bindings::*;");
    code.line("");
    code.doc("Every function of `mesos_shim.h`, as function pointers with the exact");
    code.doc("signatures bindgen generated. Field names are the C names.");
    code.line("#[derive(Clone, Copy)]");
    code.line("pub struct ShimApi {");
    for name in &listed {
        code.doc(&format!("`{name}` from mesos_shim.h."));
        put!(
            code,
            "pub {name}: {},",
            header.functions[name].pointer_type()
        );
    }
    code.line("}");
    code.line("");
    code.line("#[cfg(mesos_native)]");
    code.line("static NATIVE: ShimApi = ShimApi {");
    for name in &listed {
        put!(code, "{name},");
    }
    code.line("};");
    code.line("");
    code.line("// Without libmesos, still prove at compile time that the table can hold");
    code.line("// the header's functions. The closure is never called, so nothing refers");
    code.line("// to the (undefined) extern symbols at link time.");
    code.line("#[cfg(not(mesos_native))]");
    code.line("const _: fn() = || {");
    code.line("    let _ = ShimApi {");
    for name in &listed {
        put!(code, "{name},");
    }
    code.line("    };");
    code.line("};");
    code.line("");
    code.line("pub(crate) fn native() -> Option<&'static ShimApi> {");
    code.line("    #[cfg(mesos_native)]");
    code.line("    {");
    code.line("        Some(&NATIVE)");
    code.line("    }");
    code.line("    #[cfg(not(mesos_native))]");
    code.line("    {");
    code.line("        None");
    code.line("    }");
    code.line("}");
    Ok(code.done("mesos-sys/src/api.rs"))
}

/// Every function the list names, in its order; an error for one it names
/// twice, one the header lacks, one the header has that it does not name,
/// and a driver call whose C parameters are not what its kinds say.
fn check(list: &List, header: &Header) -> Result<Vec<String>, String> {
    let mut listed = Vec::new();
    for group in &list.groups {
        listed.extend(group.functions.iter().cloned());
    }
    for driver in &list.drivers {
        listed.push(driver.new.clone());
        listed.push(driver.free.clone());
        for call in driver.lifecycle.iter().chain(&driver.calls) {
            listed.push(call.c_name.clone());
        }
        check_callbacks(driver, header)?;
    }
    let mut seen = BTreeSet::new();
    for name in &listed {
        if !seen.insert(name) {
            return Err(format!("wrapper/boundary.list names `{name}` twice"));
        }
        if !header.functions.contains_key(name) {
            return Err(format!(
                "wrapper/boundary.list names `{name}`, which mesos_shim.h does not declare \
                 (declare it, then regenerate the bindings: `cargo xtask generate`)"
            ));
        }
    }
    if let Some(missing) = header.functions.keys().find(|name| !seen.contains(name)) {
        return Err(format!(
            "mesos_shim.h declares `{missing}`, which wrapper/boundary.list does not name: \
             add it to the list (a driver call, or a `functions` section)"
        ));
    }
    for driver in &list.drivers {
        for call in driver.lifecycle.iter().chain(&driver.calls) {
            check_parameters(driver, &call.c_name, &call.args, header)?;
        }
    }
    Ok(listed)
}

/// A driver call's C parameters are the handle, then each argument's.
fn check_parameters(
    driver: &Driver,
    c_name: &str,
    args: &[crate::list::Arg],
    header: &Header,
) -> Result<(), String> {
    let signature = &header.functions[c_name];
    let mut expected = vec![format!("*mut {}", driver.handle)];
    for arg in args {
        expected.extend(c_types(&arg.kind).iter().map(ToString::to_string));
    }
    let found: Vec<&str> = signature.params.iter().map(|(_, ty)| ty.as_str()).collect();
    let matches = expected.len() == found.len()
        && expected.iter().zip(&found).all(|(a, b)| same_type(a, b))
        && signature.output == "i32";
    if !matches {
        return Err(format!(
            "`{c_name}`: the list's argument kinds make it take ({}) and return i32, but \
             mesos_shim.h declares ({}) -> {}",
            expected.join(", "),
            found.join(", "),
            if signature.output.is_empty() {
                "void"
            } else {
                &signature.output
            }
        ));
    }
    Ok(())
}

/// The C parameters of an argument of kind `kind` (a driver call's).
pub fn c_types(kind: &Kind) -> &'static [&'static str] {
    match kind {
        Kind::Message(_) | Kind::Bytes => &["mesos_shim_buf"],
        Kind::Messages(_) | Kind::Strings => &["*const mesos_shim_buf", "usize"],
        Kind::Optional(_) => &["*const mesos_shim_buf"],
        Kind::Flag | Kind::Int => &["i32"],
        Kind::Completion(_) => &[
            "mesos_shim_v1_result_callback",
            "*mut ::std::os::raw::c_void",
        ],
    }
}

/// The callback table has one field per listed callback, in order, then
/// `error`.
fn check_callbacks(driver: &Driver, header: &Header) -> Result<(), String> {
    let Some(fields) = header.structs.get(&driver.table) else {
        return Err(format!(
            "driver {}: mesos_shim.h has no struct `{}`",
            driver.name, driver.table
        ));
    };
    let mut listed: Vec<&str> = driver.callbacks.iter().map(|c| c.name.as_str()).collect();
    listed.push("error");
    if fields.iter().map(String::as_str).ne(listed.iter().copied()) {
        return Err(format!(
            "driver {}: `{}` has the fields {fields:?} in mesos_shim.h, but the list's \
             callbacks (then `error`) are {listed:?}",
            driver.name, driver.table
        ));
    }
    Ok(())
}
