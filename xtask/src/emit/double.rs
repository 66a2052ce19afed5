//! `mesos-test-double/src/entry_points.rs`: the double's implementation of
//! every driver function of the header (each records its arguments by
//! kind, then lets the kind's double answer), the methods that fire each
//! callback, and the double's `ShimApi` table.

use super::{Code, Generated};
use crate::kinds::wiring;
use crate::list::{Call, Driver, Kind, List};
use crate::put;

pub fn entry_points(list: &List) -> Result<Generated, String> {
    let mut code = Code::file(
        "The double's entry points: for each kind of driver, its lifecycle calls and\n\
         driver calls (record the arguments as `record.rs` says, then let the kind's\n\
         double answer), and the methods that fire its callbacks on the double's\n\
         callback thread. Then [`TABLE`], every function of the header.",
    );
    code.line("use std::sync::Arc;");
    code.line("");
    code.line("use mesos_native_sys::ShimApi;");
    code.line("");
    code.line("use crate::handle::{enter, Entry};");
    for driver in &list.drivers {
        let wiring = wiring(&driver.name)?;
        code.line("");
        put!(code, "/// The {} driver's functions.", driver.name);
        put!(code, "pub(crate) mod {} {{", driver.name);
        code.line("use super::{enter, Entry};");
        put!(
            code,
            "type Double = crate::{}::{};",
            driver.name,
            wiring.double
        );
        for call in &driver.lifecycle {
            entry_point(&mut code, driver, call, "Lifecycle");
        }
        for call in &driver.calls {
            entry_point(&mut code, driver, call, "Call");
        }
        code.line("}");
        fire_methods(&mut code, driver, wiring.double);
    }
    code.line("");
    code.doc("Every function of `mesos_shim.h`: the lists' `functions` sections from the");
    code.doc("modules of the same names, each kind's driver functions from above.");
    code.line("pub(crate) const TABLE: ShimApi = ShimApi {");
    for group in &list.groups {
        for function in &group.functions {
            put!(code, "{function}: crate::{}::{function},", group.name);
        }
    }
    for driver in &list.drivers {
        let wiring = wiring(&driver.name)?;
        put!(code, "{}: crate::{}::new,", driver.new, driver.name);
        put!(
            code,
            "{}: crate::handle::free::<mesos_native_sys::{}, crate::{}::{}>,",
            driver.free,
            driver.handle,
            driver.name,
            wiring.double
        );
        for call in driver.lifecycle.iter().chain(&driver.calls) {
            put!(code, "{}: {}::{},", call.c_name, driver.name, call.name);
        }
    }
    code.line("};");
    Ok(code.done("mesos-test-double/src/entry_points.rs"))
}

fn entry_point(code: &mut Code, driver: &Driver, call: &Call, entry: &str) {
    let mut params = vec![format!("driver: *mut mesos_native_sys::{}", driver.handle)];
    let mut records = Vec::new();
    for arg in &call.args {
        let name = &arg.name;
        match &arg.kind {
            Kind::Message(_) => {
                params.push(format!("{name}: mesos_native_sys::mesos_shim_buf"));
                records.push(format!("args.message({name}, \"{name}\")?;"));
            }
            Kind::Bytes => {
                params.push(format!("{name}: mesos_native_sys::mesos_shim_buf"));
                records.push(format!("args.bytes({name}, \"{name}\")?;"));
            }
            Kind::Messages(_) => {
                params.push(format!("{name}: *const mesos_native_sys::mesos_shim_buf"));
                params.push(format!("{name}_len: usize"));
                records.push(format!("args.messages({name}, {name}_len, \"{name}\")?;"));
            }
            Kind::Strings => {
                params.push(format!("{name}: *const mesos_native_sys::mesos_shim_buf"));
                params.push(format!("{name}_len: usize"));
                records.push(format!("args.strings({name}, {name}_len, \"{name}\")?;"));
            }
            Kind::Optional(_) => {
                params.push(format!("{name}: *const mesos_native_sys::mesos_shim_buf"));
                records.push(format!("args.optional({name}, \"{name}\")?;"));
            }
            Kind::Flag | Kind::Int => {
                params.push(format!("{name}: i32"));
                records.push(format!("args.flag({name})?;"));
            }
            Kind::Completion(_) => {
                params.push(format!(
                    "{name}: mesos_native_sys::mesos_shim_v1_result_callback"
                ));
                params.push(format!("{name}_context: *mut std::os::raw::c_void"));
                records.push(format!("args.completion({name}, {name}_context)?;"));
            }
        }
    }
    code.line("");
    put!(
        code,
        "pub(crate) unsafe extern \"C\" fn {}({}) -> i32 {{",
        call.name,
        params.join(", ")
    );
    code.line("// SAFETY: the binding passes NULL or a live handle of this kind, and");
    code.line("// arguments valid for the call, as the header requires.");
    let binding = if records.is_empty() { "_args" } else { "args" };
    put!(
        code,
        "unsafe {{ enter::<_, Double>(driver, Entry::{entry}, \"{}\", |{binding}| {{",
        call.name
    );
    for record in &records {
        code.line(record);
    }
    code.line("Ok(())");
    code.line("}) }");
    code.line("}");
}

fn fire_methods(code: &mut Code, driver: &Driver, double: &str) {
    code.line("");
    put!(code, "impl crate::{}::{double} {{", driver.name);
    for callback in &driver.callbacks {
        let mut params = vec!["self: &Arc<Self>".to_string()];
        let mut prelude = Vec::new();
        let mut c_args = vec!["user_data".to_string()];
        for arg in &callback.args {
            let name = &arg.name;
            match &arg.kind {
                Kind::Message(_) | Kind::Bytes => {
                    params.push(format!("{name}: Vec<u8>"));
                    c_args.push(format!("crate::buffers::view(&{name})"));
                }
                Kind::Messages(_) => {
                    params.push(format!("{name}: Vec<Vec<u8>>"));
                    prelude.push(format!(
                        "let {name}: Vec<mesos_native_sys::mesos_shim_buf> = \
                         {name}.iter().map(|item| crate::buffers::view(item)).collect();"
                    ));
                    c_args.push(format!("{name}.as_ptr()"));
                    c_args.push(format!("{name}.len()"));
                }
                Kind::Int => {
                    params.push(format!("{name}: i32"));
                    c_args.push(name.clone());
                }
                _ => unreachable!("not a callback argument"),
            }
        }
        put!(
            code,
            "/// Fires `{}` on the callback thread.",
            callback.name
        );
        put!(code, "pub fn {}({}) {{", callback.name, params.join(", "));
        put!(
            code,
            "self.fire(move |table: &mesos_native_sys::{}, user_data| {{",
            driver.table
        );
        for line in &prelude {
            code.line(line);
        }
        code.line("// SAFETY: the binding's table (every entry set: `new` checked) and user");
        code.line("// data, called on the callback thread the binding expects; the buffers");
        code.line("// outlive the call.");
        put!(
            code,
            "unsafe {{ table.{}.unwrap()({}) }}",
            callback.name,
            c_args.join(", ")
        );
        code.line("});");
        code.line("}");
        code.line("");
    }
    code.doc("Whether every callback of `table` is set (`error` too), as the real shim");
    code.doc("requires of a new driver.");
    put!(
        code,
        "pub(crate) fn all_callbacks_set(table: &mesos_native_sys::{}) -> bool {{",
        driver.table
    );
    let mut checks: Vec<String> = driver
        .callbacks
        .iter()
        .map(|callback| format!("table.{}.is_some()", callback.name))
        .collect();
    checks.push("table.error.is_some()".into());
    put!(code, "{}", checks.join(" && "));
    code.line("}");
    code.line("}");
}
