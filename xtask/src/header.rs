//! What bindgen read from `wrapper/mesos_shim.h` (`mesos-sys/src/bindings.rs`):
//! each function's C signature, and the fields of each callback table. The
//! generated `ShimApi` takes its field types from here, so the table always
//! has the header's signatures; the list is checked against it.

use std::collections::BTreeMap;

use quote::ToTokens;

/// A function's parameters and return type, as Rust source.
pub struct Signature {
    /// `name: type`, each.
    pub params: Vec<(String, String)>,
    /// Empty for `()`.
    pub output: String,
}

impl Signature {
    /// The function-pointer type `ShimApi` holds.
    pub fn pointer_type(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(name, ty)| format!("{name}: {ty}"))
            .collect();
        let output = if self.output.is_empty() {
            String::new()
        } else {
            format!(" -> {}", self.output)
        };
        format!("unsafe extern \"C\" fn({}){output}", params.join(", "))
    }
}

pub struct Header {
    pub functions: BTreeMap<String, Signature>,
    /// Struct name to field names, in order.
    pub structs: BTreeMap<String, Vec<String>>,
}

/// Reads the bindings.
pub fn read(source: &str) -> Result<Header, String> {
    let file = syn::parse_file(source).map_err(|error| {
        format!("mesos-sys/src/bindings.rs does not parse: {error}; regenerate it")
    })?;
    let mut header = Header {
        functions: BTreeMap::new(),
        structs: BTreeMap::new(),
    };
    for item in file.items {
        match item {
            syn::Item::ForeignMod(block) => {
                for item in block.items {
                    if let syn::ForeignItem::Fn(function) = item {
                        let name = function.sig.ident.to_string();
                        header.functions.insert(name, signature(&function.sig));
                    }
                }
            }
            syn::Item::Struct(item) => {
                let fields = item
                    .fields
                    .iter()
                    .filter_map(|field| field.ident.as_ref().map(ToString::to_string))
                    .collect();
                header.structs.insert(item.ident.to_string(), fields);
            }
            _ => {}
        }
    }
    Ok(header)
}

fn signature(sig: &syn::Signature) -> Signature {
    let params = sig
        .inputs
        .iter()
        .map(|input| match input {
            syn::FnArg::Typed(typed) => (tokens(&*typed.pat), tokens(&*typed.ty)),
            syn::FnArg::Receiver(_) => unreachable!("an extern function has no self"),
        })
        .collect();
    let output = match &sig.output {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, ty) => tokens(&**ty),
    };
    Signature { params, output }
}

/// Source text for tokens, with the spaces `quote` puts between every two
/// taken out where Rust doesn't write them (rustfmt tidies the rest).
fn tokens(node: &impl ToTokens) -> String {
    node.to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace("* ", "*")
}

/// A C parameter's type, compared without spaces.
pub fn same_type(a: &str, b: &str) -> bool {
    let squeeze = |text: &str| text.split_whitespace().collect::<String>();
    squeeze(a) == squeeze(b)
}
