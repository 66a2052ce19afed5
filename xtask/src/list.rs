//! The boundary list (`wrapper/boundary.list`): its grammar, read here and
//! nowhere else, into a [`List`].
//!
//! ```text
//! list      := (functions | driver)*
//! functions := "functions" NAME "{" (C_NAME ";")* "}"
//! driver    := "driver" NAME "{"
//!                  "handle" ":" C_NAME ";"  "callbacks" ":" C_NAME ";"
//!                  "new" ":" C_NAME ";"     "free" ":" C_NAME ";"
//!                  "lifecycle" "{" call* "}"
//!                  "calls" "{" call* "}"
//!                  "callbacks" "{" (NAME "(" args ")" ";")* "}"
//!              "}"
//! call      := doc* NAME "=" C_NAME "(" args ")" "checked"? ";"
//! args      := (NAME ":" kind ("," NAME ":" kind)* ","?)?
//! kind      := WORD ("(" PATH ")")?        PATH := NAME ("::" NAME)*
//! doc       := "///" the rest of the line
//! ```
//!
//! `//` starts a comment to the end of the line (but `///` is a doc).

use std::fmt;

/// The whole list.
pub struct List {
    /// The `functions` sections: hand-written on both sides.
    pub groups: Vec<Group>,
    /// One per kind of driver.
    pub drivers: Vec<Driver>,
}

/// A `functions` section.
pub struct Group {
    pub name: String,
    pub functions: Vec<String>,
}

/// A `driver` section.
pub struct Driver {
    pub name: String,
    /// The C type of the opaque object.
    pub handle: String,
    /// The C struct of callbacks.
    pub table: String,
    pub new: String,
    pub free: String,
    /// `start`, `stop`, `abort`, `join`, in that order.
    pub lifecycle: Vec<Call>,
    pub calls: Vec<Call>,
    pub callbacks: Vec<Callback>,
}

impl Driver {
    /// The lifecycle call named `name`.
    pub fn lifecycle_call(&self, name: &str) -> &Call {
        self.lifecycle
            .iter()
            .find(|call| call.name == name)
            .expect("checked when the list was read")
    }
}

/// A driver call (lifecycle or not).
pub struct Call {
    pub docs: Vec<String>,
    pub name: String,
    pub c_name: String,
    pub args: Vec<Arg>,
    /// The kind's `preconditions` module checks it first.
    pub checked: bool,
}

impl Call {
    /// The type of the answer a `completion(T)` argument promises.
    pub fn completion(&self) -> Option<&str> {
        self.args.iter().find_map(|arg| match &arg.kind {
            Kind::Completion(answer) => Some(answer.as_str()),
            _ => None,
        })
    }

    /// The arguments the caller passes (a completion is returned instead).
    pub fn inputs(&self) -> impl Iterator<Item = &Arg> {
        self.args
            .iter()
            .filter(|arg| !matches!(arg.kind, Kind::Completion(_)))
    }
}

/// A callback.
pub struct Callback {
    pub name: String,
    pub args: Vec<Arg>,
}

pub struct Arg {
    pub name: String,
    pub kind: Kind,
}

/// An argument's kind: its C parameters and its Rust type.
#[derive(Clone, PartialEq)]
pub enum Kind {
    Message(String),
    Messages(String),
    Strings,
    Bytes,
    Optional(String),
    Flag,
    Completion(String),
    Int,
}

impl Kind {
    /// The message type, for the kinds that have one.
    pub fn message_type(&self) -> Option<&str> {
        match self {
            Kind::Message(t) | Kind::Messages(t) | Kind::Optional(t) | Kind::Completion(t) => {
                Some(t)
            }
            _ => None,
        }
    }
}

/// Where the list is wrong, with the line.
#[derive(Debug)]
pub struct ListError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wrapper/boundary.list:{}: {}", self.line, self.message)
    }
}

type Parsed<T> = Result<T, ListError>;

/// Reads the list.
pub fn parse(text: &str) -> Parsed<List> {
    let mut tokens = Tokens::new(text)?;
    let mut list = List {
        groups: Vec::new(),
        drivers: Vec::new(),
    };
    while let Some(word) = tokens.next_word()? {
        match word.as_str() {
            "functions" => list.groups.push(group(&mut tokens)?),
            "driver" => list.drivers.push(driver(&mut tokens)?),
            other => {
                return Err(
                    tokens.error(format!("expected `functions` or `driver`, found `{other}`"))
                )
            }
        }
    }
    Ok(list)
}

fn group(tokens: &mut Tokens) -> Parsed<Group> {
    let name = tokens.name()?;
    tokens.punct("{")?;
    let mut functions = Vec::new();
    while !tokens.eat("}") {
        functions.push(tokens.name()?);
        tokens.punct(";")?;
    }
    Ok(Group { name, functions })
}

fn driver(tokens: &mut Tokens) -> Parsed<Driver> {
    let name = tokens.name()?;
    tokens.punct("{")?;
    let mut field = |key: &str| -> Parsed<String> {
        tokens.keyword(key)?;
        tokens.punct(":")?;
        let value = tokens.name()?;
        tokens.punct(";")?;
        Ok(value)
    };
    let handle = field("handle")?;
    let table = field("callbacks")?;
    let new = field("new")?;
    let free = field("free")?;
    tokens.keyword("lifecycle")?;
    let lifecycle = calls(tokens)?;
    let names: Vec<&str> = lifecycle.iter().map(|call| call.name.as_str()).collect();
    if names != ["start", "stop", "abort", "join"] {
        return Err(tokens.error(format!(
            "driver {name}: the lifecycle is `start`, `stop`, `abort`, `join`, in that order \
             (found {names:?}); `run` is `start` then `join`, composed in Rust"
        )));
    }
    for call in &lifecycle {
        if call.args.iter().any(|arg| arg.kind != Kind::Flag) {
            return Err(tokens.error(format!(
                "driver {name}: lifecycle call `{}` may only take flags",
                call.name
            )));
        }
    }
    tokens.keyword("calls")?;
    let calls = calls(tokens)?;
    tokens.keyword("callbacks")?;
    let callbacks = callbacks(tokens)?;
    tokens.punct("}")?;
    Ok(Driver {
        name,
        handle,
        table,
        new,
        free,
        lifecycle,
        calls,
        callbacks,
    })
}

fn calls(tokens: &mut Tokens) -> Parsed<Vec<Call>> {
    tokens.punct("{")?;
    let mut calls = Vec::new();
    loop {
        let docs = tokens.docs();
        if tokens.eat("}") {
            if !docs.is_empty() {
                return Err(tokens.error("a doc comment documents nothing".into()));
            }
            return Ok(calls);
        }
        let name = tokens.name()?;
        tokens.punct("=")?;
        let c_name = tokens.name()?;
        let args = args(tokens, CALL_KINDS)?;
        let checked = tokens.eat_word("checked");
        tokens.punct(";")?;
        if docs.is_empty() {
            return Err(tokens.error(format!("call `{name}` has no doc comment (`///`)")));
        }
        let completions = args
            .iter()
            .filter(|arg| matches!(arg.kind, Kind::Completion(_)))
            .count();
        if completions > 1 {
            return Err(tokens.error(format!("call `{name}` has more than one completion")));
        }
        calls.push(Call {
            docs,
            name,
            c_name,
            args,
            checked,
        });
    }
}

fn callbacks(tokens: &mut Tokens) -> Parsed<Vec<Callback>> {
    tokens.punct("{")?;
    let mut callbacks = Vec::new();
    while !tokens.eat("}") {
        let name = tokens.name()?;
        if name == "error" {
            return Err(
                tokens.error("`error` is in every callback table already; do not list it".into())
            );
        }
        let args = args(tokens, CALLBACK_KINDS)?;
        tokens.punct(";")?;
        callbacks.push(Callback { name, args });
    }
    Ok(callbacks)
}

const CALL_KINDS: &[&str] = &[
    "message",
    "messages",
    "strings",
    "bytes",
    "optional",
    "flag",
    "completion",
];
const CALLBACK_KINDS: &[&str] = &["message", "messages", "bytes", "int"];

fn args(tokens: &mut Tokens, allowed: &[&str]) -> Parsed<Vec<Arg>> {
    tokens.punct("(")?;
    let mut args = Vec::new();
    while !tokens.eat(")") {
        let name = tokens.name()?;
        tokens.punct(":")?;
        let word = tokens.name()?;
        if !allowed.contains(&word.as_str()) {
            return Err(tokens.error(format!(
                "`{word}` is no argument kind here; expected one of {allowed:?}"
            )));
        }
        let kind = match word.as_str() {
            "strings" => Kind::Strings,
            "bytes" => Kind::Bytes,
            "flag" => Kind::Flag,
            "int" => Kind::Int,
            typed => {
                tokens.punct("(")?;
                let mut path = tokens.name()?;
                while tokens.eat("::") {
                    path.push_str("::");
                    path.push_str(&tokens.name()?);
                }
                tokens.punct(")")?;
                match typed {
                    "message" => Kind::Message(path),
                    "messages" => Kind::Messages(path),
                    "optional" => Kind::Optional(path),
                    _ => Kind::Completion(path),
                }
            }
        };
        args.push(Arg { name, kind });
        if !tokens.eat(",") {
            tokens.punct(")")?;
            break;
        }
    }
    Ok(args)
}

/// A token: a word, punctuation, or a doc line; each with its line.
#[derive(Clone, PartialEq)]
enum Token {
    Word(String),
    Punct(&'static str),
    Doc(String),
}

struct Tokens {
    tokens: Vec<(Token, usize)>,
    next: usize,
}

const PUNCTUATION: &[&str] = &["::", "{", "}", "(", ")", ":", ";", "=", ","];

impl Tokens {
    fn new(text: &str) -> Parsed<Self> {
        let mut tokens = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let mut rest = line.trim_start();
            while !rest.is_empty() {
                if let Some(doc) = rest.strip_prefix("///") {
                    // One space after `///` is the separator, not the text.
                    let doc = doc.strip_prefix(' ').unwrap_or(doc);
                    tokens.push((Token::Doc(doc.to_string()), number));
                    break;
                }
                if rest.starts_with("//") {
                    break;
                }
                if let Some(punct) = PUNCTUATION.iter().find(|p| rest.starts_with(**p)) {
                    tokens.push((Token::Punct(punct), number));
                    rest = &rest[punct.len()..];
                } else {
                    let end = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    if end == 0 {
                        return Err(ListError {
                            line: number,
                            message: format!("unexpected `{}`", &rest[..1]),
                        });
                    }
                    tokens.push((Token::Word(rest[..end].to_string()), number));
                    rest = &rest[end..];
                }
                rest = rest.trim_start();
            }
        }
        Ok(Self { tokens, next: 0 })
    }

    fn error(&self, message: String) -> ListError {
        let line = self
            .tokens
            .get(self.next.min(self.tokens.len().saturating_sub(1)))
            .map_or(0, |(_, line)| *line);
        ListError { line, message }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(token, _)| token)
    }

    fn next_word(&mut self) -> Parsed<Option<String>> {
        if self.peek().is_none() {
            return Ok(None);
        }
        self.name().map(Some)
    }

    fn name(&mut self) -> Parsed<String> {
        match self.peek() {
            Some(Token::Word(word)) => {
                let word = word.clone();
                self.next += 1;
                Ok(word)
            }
            _ => Err(self.error("expected a name".into())),
        }
    }

    fn keyword(&mut self, keyword: &str) -> Parsed<()> {
        if self.eat_word(keyword) {
            return Ok(());
        }
        Err(self.error(format!("expected `{keyword}`")))
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.peek() == Some(&Token::Word(word.to_string())) {
            self.next += 1;
            return true;
        }
        false
    }

    fn punct(&mut self, punct: &'static str) -> Parsed<()> {
        if self.eat(punct) {
            return Ok(());
        }
        Err(self.error(format!("expected `{punct}`")))
    }

    fn eat(&mut self, punct: &'static str) -> bool {
        if self.peek() == Some(&Token::Punct(punct)) {
            self.next += 1;
            return true;
        }
        false
    }

    fn docs(&mut self) -> Vec<String> {
        let mut docs = Vec::new();
        while let Some(Token::Doc(doc)) = self.peek() {
            docs.push(doc.clone());
            self.next += 1;
        }
        docs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_list_reads() {
        let list = parse(
            "functions queries { a; b; }\n\
             driver d {\n handle: h; callbacks: t; new: n; free: f;\n\
             lifecycle {\n /// s\n start = d_start();\n /// t\n stop = d_stop(failover: flag);\n\
             /// a\n abort = d_abort();\n /// j\n join = d_join();\n }\n\
             calls {\n /// Does x.\n x = d_x(m: message(v1::M), l: strings) checked;\n }\n\
             callbacks { c(m: messages(M), i: int); }\n}\n",
        )
        .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(list.groups[0].functions, ["a", "b"]);
        let driver = &list.drivers[0];
        assert_eq!(driver.calls[0].docs, ["Does x."]);
        assert!(driver.calls[0].checked);
        assert!(driver.calls[0].args[0].kind == Kind::Message("v1::M".into()));
        assert!(driver.callbacks[0].args[1].kind == Kind::Int);
    }

    #[test]
    fn mistakes_name_their_line() {
        let error = parse("functions q {\n a\n}").err().unwrap();
        assert_eq!(error.line, 3);
        let error = parse("driver d { handle: h; callbacks: t; new: n; free: f;\n lifecycle { } }")
            .err()
            .unwrap();
        assert!(error.message.contains("lifecycle"), "{}", error.message);
    }
}
