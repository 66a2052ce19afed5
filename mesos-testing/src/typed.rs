//! The typed form of every recorded driver call, generated from the
//! boundary list (`mesos_sys::shim_boundary!`): for each call of a kind,
//! its recorded arguments are read back by their kinds and handed to the
//! function of the same name in that kind's module, which builds the
//! user-facing value. A call added to the list without such a function
//! does not compile.

/// Defines `fn typed(&Call) -> Option<$call_type>` over the lifecycle and
/// driver calls of one kind's section of the list; `$module` has one
/// function per call name.
macro_rules! typed_calls {
    (
        $module:ident => $call_type:ty;
        handle: $handle:ident;
        free: $free:ident;
        lifecycle {
            $($(#[$life_doc:meta])* $life:ident = $life_fn:ident($($life_arg:ident: $life_kind:ident),*);)*
        }
        calls {
            $(
                $(#[$doc:meta])*
                $call:ident = $call_fn:ident(
                    $($arg:ident: $arg_kind:ident $(($($arg_type:tt)*))?),* $(,)?
                ) $($fatal:ident)?;
            )*
        }
    ) => {
        /// The typed form of one recorded call; `None` for the calls the
        /// harness makes itself (`start`, `join`, `run`).
        pub(crate) fn typed(call: &mesos_test_double::Call) -> Option<$call_type> {
            #[allow(unused_mut)]
            let mut args = $crate::recorded::Args::new(call);
            match call.name {
                $(stringify!($life) => $module::$life($(args.$life_kind()),*),)*
                $(stringify!($call) => $module::$call($(args.$arg_kind::<$($($arg_type)*)?>()),*),)*
                other => panic!("mesos-testing: `{other}` is not a call of the boundary list"),
            }
        }
    };
}
