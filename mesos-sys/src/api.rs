//! A table of the shim's entry points, generated from the one list in
//! [`boundary`](crate::boundary).
//!
//! Calling through a table instead of the extern functions directly lets a
//! build without libmesos link (nothing references the undefined symbols),
//! and lets tests run the Rust side of the boundary against a test double
//! that implements the same header.

use crate::bindings::*;

macro_rules! shim_api {
    ($($function:ident: $kind:ident::$short:ident: $type:ty;)*) => {
        /// Every function of `mesos_shim.h`, as function pointers with the
        /// exact signatures bindgen generated. Field names are the C names.
        #[derive(Clone, Copy)]
        pub struct ShimApi {
            $(
                #[doc = concat!("`", stringify!($function), "` from mesos_shim.h.")]
                pub $function: $type,
            )*
        }

        #[cfg(mesos_native)]
        static NATIVE: ShimApi = ShimApi {
            $($function: crate::bindings::$function,)*
        };

        // Without libmesos, still prove at compile time that the list's
        // signatures are the ones bindgen generated from the header. The
        // closure is never called, so nothing refers to the (undefined)
        // extern symbols at link time.
        #[cfg(not(mesos_native))]
        const _: fn() = || {
            let _ = ShimApi {
                $($function: crate::bindings::$function,)*
            };
        };
    };
}

crate::shim_boundary!(functions => shim_api);

pub(crate) fn native() -> Option<&'static ShimApi> {
    #[cfg(mesos_native)]
    {
        Some(&NATIVE)
    }
    #[cfg(not(mesos_native))]
    {
        None
    }
}
