//! The house rules about imports (CODE_STYLE.md), checked from the source text:
//!
//! - imports point down the layers: core (0) → data, models (1) → train (2) → tasks and the
//!   labs attack, compress, style (3; a lab may import tasks, tasks may not import a lab) →
//!   ui (4) → bench (5) → cli (6); `main.rs` and `lib.rs` are exempt;
//! - no import circles between top-level modules, nor between the second-level modules of
//!   one folder (`tasks::classify` ↔ `tasks::segment`); a folder's `mod.rs` may import its
//!   own children;
//! - only `src/ui/` mentions egui, eframe, egui_plot or rfd;
//! - nothing in `src/ui/` touches a tensor (`burn::`, `Tensor<`).
//!
//! Every `.rs` file under `src/` is read; its `use` declarations (groups over several lines
//! included) and its inline `crate::`/`super::`/`self::` paths are resolved to paths from the
//! crate root, comments and string literals skipped. A failure names the file, the line and
//! the import.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The top-level modules by layer, lowest first.
const LAYERS: &[(&str, u8)] = &[
    ("core", 0),
    ("kernels", 0),
    ("data", 1),
    ("models", 1),
    ("train", 2),
    ("tasks", 3),
    ("attack", 3),
    ("compress", 3),
    ("explore", 3),
    ("style", 3),
    ("ui", 4),
    ("bench", 5),
    ("cli", 6),
];

/// The labs: beside `tasks` in their layer, and allowed to import it (not the reverse).
const LABS: &[&str] = &["attack", "compress", "explore", "style"];

/// Crates only `src/ui/` may name.
const UI_CRATES: &[&str] = &["egui", "eframe", "egui_plot", "rfd"];

/// Files exempt from every rule (they wire the layers together).
const EXEMPT: &[&str] = &["lib.rs", "main.rs"];

fn layer(top: &str) -> Option<u8> {
    LAYERS.iter().find(|(name, _)| *name == top).map(|l| l.1)
}

// ---------------------------------------------------------------------------------------
// Reading the sources
// ---------------------------------------------------------------------------------------

/// One source file: where it is, its module path and what it imports.
struct Source {
    /// Path shown in messages, e.g. `src/data/masks.rs`.
    file: String,
    /// Module path from the crate root (`["tasks", "classify"]` for
    /// `src/tasks/classify/mod.rs`).
    module: Vec<String>,
    /// Its tokens, comments and literals removed.
    tokens: Vec<Token>,
    /// Its crate-internal imports.
    imports: Vec<Import>,
}

/// A crate-internal path the code names.
#[derive(Clone, Debug, PartialEq)]
struct Import {
    /// 1-based line of the path's last segment.
    line: usize,
    /// The path from the crate root, e.g. `["train", "checkpoint", "write_atomic"]`.
    path: Vec<String>,
    /// The path as written, e.g. `super::checkpoint::write_atomic`.
    written: String,
}

/// A word or a punctuation mark of the code, with its 1-based line.
#[derive(Clone, Debug, PartialEq)]
struct Token {
    line: usize,
    text: String,
}

impl Token {
    fn is(&self, text: &str) -> bool {
        self.text == text
    }

    fn is_ident(&self) -> bool {
        self.text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
    }
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("reading {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The module path of a file relative to `src/`: `a/b.rs` → `a::b`, `a/mod.rs` → `a`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// All sources under `src/` except the exempt files, with their imports resolved (read
/// once per test binary).
fn sources() -> &'static [Source] {
    static SOURCES: OnceLock<Vec<Source>> = OnceLock::new();
    SOURCES.get_or_init(read_sources)
}

fn read_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files: Vec<(PathBuf, Vec<String>)> = rust_files(&root)
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&root).ok()?.to_path_buf();
            let exempt = EXEMPT.iter().any(|e| relative == Path::new(e));
            (!exempt).then(|| {
                let module = module_of(&relative);
                (path, module)
            })
        })
        .collect();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.1.clone()).collect();
    files
        .into_iter()
        .map(|(path, module)| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let tokens = tokens(&strip(&text));
            let imports = imports(&tokens, &module, &modules);
            let file = format!(
                "src/{}",
                path.strip_prefix(&root).unwrap_or(&path).display()
            );
            Source {
                file,
                module,
                tokens,
                imports,
            }
        })
        .collect()
}

/// The code with comments, string literals and char literals blanked out (newlines kept,
/// so line numbers stay right).
fn strip(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_is_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let raw = if prev_is_ident {
            None
        } else {
            raw_string_start(&chars, i)
        };
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some((open_len, hashes)) = raw {
            // r"…", r#"…"#, br"…"
            for _ in 0..open_len {
                out.push(' ');
            }
            i += open_len;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|h| chars.get(i + h) == Some(&'#')) {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += hashes + 1;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() {
                match chars[i] {
                    '\\' => {
                        out.push(' ');
                        if let Some(&escaped) = chars.get(i + 1) {
                            out.push(blank(escaped));
                        }
                        i += 2;
                    }
                    '"' => {
                        out.push(' ');
                        i += 1;
                        break;
                    }
                    other => {
                        out.push(blank(other));
                        i += 1;
                    }
                }
            }
        } else if c == '\'' && next == Some('\\') {
            // '\n', '\'', '\u{…}'
            out.push_str("   ");
            i += 3;
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            // 'x' (a lifetime 'a is left as it is)
            out.push_str("   ");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// At a raw string's start (`r"`, `r#"`, `br"`…): the length of its opening and its number
/// of `#`.
fn raw_string_start(chars: &[char], at: usize) -> Option<(usize, usize)> {
    let mut i = at;
    if chars.get(i) == Some(&'b') {
        i += 1;
    }
    if chars.get(i) != Some(&'r') {
        return None;
    }
    i += 1;
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    (chars.get(i) == Some(&'"')).then_some((i + 1 - at, hashes))
}

/// Words (identifiers, keywords, numbers), `::` and single punctuation marks.
fn tokens(code: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for (index, line) in code.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c.is_alphanumeric() || c == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push(Token {
                    line: index + 1,
                    text: chars[start..i].iter().collect(),
                });
            } else if c == ':' && chars.get(i + 1) == Some(&':') {
                out.push(Token {
                    line: index + 1,
                    text: "::".into(),
                });
                i += 2;
            } else {
                out.push(Token {
                    line: index + 1,
                    text: c.to_string(),
                });
                i += 1;
            }
        }
    }
    out
}

/// The crate-internal paths named by `use` declarations and inline paths, resolved from
/// `module` (inline `mod x { … }` blocks taken into account). `modules` are the crate's
/// file modules (to tell `use child::X` from an external crate).
fn imports(tokens: &[Token], module: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<Import> {
    let mut out = Vec::new();
    // Inline modules open at this brace depth.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|m| m.0.clone()))
            .collect();
        let t = &tokens[i];
        if t.is("use") {
            let mut leaves = Vec::new();
            i += 1;
            use_tree(tokens, &mut i, &[], &mut leaves);
            while i < tokens.len() && !tokens[i].is(";") {
                i += 1;
            }
            for (segments, line) in leaves {
                if let Some(path) = resolve(&segments, &here, modules) {
                    out.push(Import {
                        line,
                        path,
                        written: segments.join("::"),
                    });
                }
            }
        } else if (t.is("crate") || t.is("super") || t.is("self"))
            && tokens.get(i + 1).is_some_and(|n| n.is("::"))
            && !(i > 0 && (tokens[i - 1].is("::") || tokens[i - 1].is("$")))
        {
            let mut segments = vec![t.text.clone()];
            let mut line = t.line;
            i += 1;
            while i + 1 < tokens.len() && tokens[i].is("::") && tokens[i + 1].is_ident() {
                segments.push(tokens[i + 1].text.clone());
                line = tokens[i + 1].line;
                i += 2;
            }
            if let Some(path) = resolve(&segments, &here, modules) {
                out.push(Import {
                    line,
                    path,
                    written: segments.join("::"),
                });
            }
            continue;
        } else if t.is("mod")
            && tokens.get(i + 1).is_some_and(Token::is_ident)
            && tokens.get(i + 2).is_some_and(|n| n.is("{"))
        {
            inline.push((tokens[i + 1].text.clone(), depth));
            depth += 1;
            i += 3;
            continue;
        } else if t.is("{") {
            depth += 1;
        } else if t.is("}") {
            depth = depth.saturating_sub(1);
            if inline.last().is_some_and(|m| m.1 == depth) {
                inline.pop();
            }
        }
        i += 1;
    }
    out
}

/// Reads one use tree at `tokens[*i]` (after `use`), adding each leaf path (with the line
/// of its last segment) to `out`.
fn use_tree(
    tokens: &[Token],
    i: &mut usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, usize)>,
) {
    let mut path = prefix.to_vec();
    let mut line = tokens.get(*i).map_or(0, |t| t.line);
    while let Some(t) = tokens.get(*i) {
        if t.is("::") {
            *i += 1;
        } else if t.is("{") {
            *i += 1;
            while let Some(t) = tokens.get(*i) {
                if t.is("}") {
                    *i += 1;
                    break;
                } else if t.is(",") {
                    *i += 1;
                } else {
                    use_tree(tokens, i, &path, out);
                }
            }
            return;
        } else if t.is("*") {
            *i += 1;
            out.push((path, t.line));
            return;
        } else if t.is_ident() {
            path.push(t.text.clone());
            line = t.line;
            *i += 1;
            if tokens.get(*i).is_some_and(|n| n.is("as")) {
                *i += 2;
            }
            if !tokens.get(*i).is_some_and(|n| n.is("::")) {
                out.push((path, line));
                return;
            }
        } else {
            // `;`, `,`, `}` or something unexpected ends this tree.
            if path.len() > prefix.len() {
                out.push((path, line));
            }
            return;
        }
    }
}

/// The path from the crate root that `segments` (as written in module `here`) names, or
/// `None` for a path outside the crate.
fn resolve(
    segments: &[String],
    here: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let first = segments.first()?;
    let mut path: Vec<String> = match first.as_str() {
        "crate" => segments[1..].to_vec(),
        "self" => here.iter().chain(&segments[1..]).cloned().collect(),
        "super" => {
            let mut base = here.to_vec();
            let mut rest = segments;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            base.into_iter().chain(rest.iter().cloned()).collect()
        }
        _ => {
            // `use child::X` names a child module of this one; anything else is a crate.
            let mut child = here.to_vec();
            child.push(first.clone());
            if !modules.contains(&child) {
                return None;
            }
            here.iter().chain(segments).cloned().collect()
        }
    };
    // `a::{self, b}` reads `a::self`.
    path.retain(|s| s != "self");
    Some(path)
}

// ---------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------

/// The node of the import graph a module path belongs to at `level` (1: top-level module,
/// 2: second-level module when it is one, else its top-level module's `mod.rs`).
fn node(path: &[String], level: usize, modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    let mut node: Vec<String> = path.iter().take(level).cloned().collect();
    while node.len() > 1 && !modules.contains(&node) {
        node.pop();
    }
    node
}

/// Fails with every finding, one a line, under `title`.
fn assert_none(title: &str, found: &[String]) {
    if found.is_empty() {
        return;
    }
    let mut message = format!("{title} ({}):\n", found.len());
    for line in found {
        let _ = writeln!(message, "  {line}");
    }
    message.push_str("See CODE_STYLE.md for the layers and where code goes.");
    panic!("{message}");
}

/// Imports that point up the layers (or from tasks to a lab), and top modules no layer
/// names.
fn upward_imports(sources: &[Source]) -> Vec<String> {
    let mut found = Vec::new();
    for source in sources {
        let Some(from) = source.module.first() else {
            continue;
        };
        let Some(from_layer) = layer(from) else {
            found.push(format!(
                "{}: module `{from}` has no layer: add it to LAYERS in tests/layers.rs and \
                 to CODE_STYLE.md",
                source.file
            ));
            continue;
        };
        for import in &source.imports {
            let Some(to) = import.path.first() else {
                continue;
            };
            if to == from {
                continue;
            }
            let Some(to_layer) = layer(to) else {
                continue;
            };
            if to_layer > from_layer {
                found.push(format!(
                    "{}:{}: `{}` points up: {from} (layer {from_layer}) imports {to} (layer \
                     {to_layer})",
                    source.file, import.line, import.written
                ));
            } else if from == "tasks" && LABS.contains(&to.as_str()) {
                found.push(format!(
                    "{}:{}: `{}`: tasks may not import the {to} lab",
                    source.file, import.line, import.written
                ));
            }
        }
    }
    found
}

/// Import circles between the nodes at `level` (1 or 2): each circle with the imports
/// that make it.
fn circles(sources: &[Source], level: usize) -> Vec<String> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    // Edges, each with the imports that make it.
    let mut edges: BTreeMap<(Vec<String>, Vec<String>), Vec<String>> = BTreeMap::new();
    for source in sources {
        if source.module.is_empty() {
            continue;
        }
        let from = node(&source.module, level, &modules);
        for import in &source.imports {
            if import.path.is_empty() {
                continue;
            }
            let to = node(&import.path, level, &modules);
            if from == to || (level > 1 && from[0] != to[0]) {
                continue;
            }
            // A folder's mod.rs may import its own children.
            if to.len() > from.len() && to.starts_with(&from) {
                continue;
            }
            edges.entry((from.clone(), to)).or_default().push(format!(
                "{}:{}: `{}`",
                source.file, import.line, import.written
            ));
        }
    }
    let nodes: BTreeSet<Vec<String>> = edges
        .keys()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    let reaches = |from: &Vec<String>| -> BTreeSet<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for (a, b) in edges.keys() {
                if *a == n && seen.insert(b.clone()) {
                    todo.push(b.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> =
        nodes.iter().map(|n| (n.clone(), reaches(n))).collect();
    // Strongly connected groups of more than one node.
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for n in &nodes {
        if done.contains(n) {
            continue;
        }
        let group: Vec<Vec<String>> = nodes
            .iter()
            .filter(|m| *m == n || (reach[n].contains(*m) && reach[*m].contains(n)))
            .cloned()
            .collect();
        done.extend(group.iter().cloned());
        if group.len() < 2 {
            continue;
        }
        let names: Vec<String> = group.iter().map(|g| g.join("::")).collect();
        let mut text = format!("circle between {}; its imports:", names.join(", "));
        for ((a, b), why) in &edges {
            if group.contains(a) && group.contains(b) {
                let _ = write!(text, "\n      {} → {}:", a.join("::"), b.join("::"));
                for w in why {
                    let _ = write!(text, "\n        {w}");
                }
            }
        }
        found.push(text);
    }
    found
}

#[test]
fn imports_point_down_the_layers() {
    let sources = sources();
    assert!(
        sources.len() > 20,
        "read only {} files under src/",
        sources.len()
    );
    assert_none("imports that point up", &upward_imports(sources));
}

#[test]
fn no_import_circles_between_top_level_modules() {
    assert_none(
        "import circles between top-level modules",
        &circles(sources(), 1),
    );
}

#[test]
fn no_import_circles_inside_a_folder() {
    assert_none(
        "import circles between second-level modules",
        &circles(sources(), 2),
    );
}

#[test]
fn only_the_ui_names_egui() {
    let mut found = Vec::new();
    for source in sources() {
        if source.module.first().is_some_and(|m| m == "ui") {
            continue;
        }
        for token in &source.tokens {
            if UI_CRATES.contains(&token.text.as_str()) {
                found.push(format!(
                    "{}:{}: names `{}`",
                    source.file, token.line, token.text
                ));
            }
        }
    }
    assert_none("egui, eframe, egui_plot or rfd outside src/ui/", &found);
}

#[test]
fn the_ui_touches_no_tensor() {
    let mut found = Vec::new();
    for source in sources() {
        if source.module.first().is_none_or(|m| m != "ui") {
            continue;
        }
        for pair in source.tokens.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if (a.is("burn") && b.is("::")) || (a.is("Tensor") && b.is("<")) {
                found.push(format!(
                    "{}:{}: `{}{}`",
                    source.file, a.line, a.text, b.text
                ));
            }
        }
    }
    assert_none("tensor code in src/ui/", &found);
}

// ---------------------------------------------------------------------------------------
// The reader itself
// ---------------------------------------------------------------------------------------

fn strings(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// A made-up source file of module `module`.
fn made_up(module: &[&str], code: &str, modules: &BTreeSet<Vec<String>>) -> Source {
    let tokens = tokens(&strip(code));
    Source {
        file: format!("src/{}.rs", module.join("/")),
        module: strings(module),
        imports: imports(&tokens, &strings(module), modules),
        tokens,
    }
}

#[test]
fn rules_flag_an_upward_import_a_lab_import_and_a_circle() {
    let modules: BTreeSet<Vec<String>> = [
        strings(&["data", "masks"]),
        strings(&["train", "checkpoint"]),
        strings(&["tasks", "classify"]),
        strings(&["tasks", "segment"]),
        strings(&["style"]),
    ]
    .into_iter()
    .collect();
    let sources = [
        made_up(
            &["data", "masks"],
            "use crate::train::checkpoint::write_atomic;",
            &modules,
        ),
        made_up(
            &["train", "checkpoint"],
            "use crate::core::files::write_atomic;",
            &modules,
        ),
        made_up(
            &["tasks", "classify"],
            "fn f() { super::segment::g(); crate::style::h(); }",
            &modules,
        ),
        made_up(
            &["tasks", "segment"],
            "use crate::tasks::classify::Trained;",
            &modules,
        ),
    ];
    let upward = upward_imports(&sources);
    assert_eq!(upward.len(), 2, "{upward:#?}");
    assert!(
        upward[0]
            .starts_with("src/data/masks.rs:1: `crate::train::checkpoint::write_atomic` points up")
    );
    assert!(upward[1].contains("tasks may not import the style lab"));
    assert!(circles(&sources, 1).is_empty(), "data → train is one way");
    let inside = circles(&sources, 2);
    assert_eq!(inside.len(), 1, "{inside:#?}");
    assert!(inside[0].starts_with("circle between tasks::classify, tasks::segment"));
}

fn read(code: &str, module: &[&str]) -> Vec<(usize, String)> {
    let modules: BTreeSet<Vec<String>> = [
        strings(&["data"]),
        strings(&["data", "shapes"]),
        strings(&["tasks"]),
        strings(&["tasks", "detect"]),
        strings(&["tasks", "detect", "data"]),
    ]
    .into_iter()
    .collect();
    imports(&tokens(&strip(code)), &strings(module), &modules)
        .into_iter()
        .map(|i| (i.line, i.path.join("::")))
        .collect()
}

#[test]
fn reader_expands_use_groups_over_lines() {
    let code = "use std::path::Path;\n\
                pub(crate) use crate::core::{\n\
                    files::write_atomic,\n\
                    protocol::{Event as E, self},\n\
                };\n\
                use super::{data, metrics::*};\n";
    assert_eq!(
        read(code, &["tasks", "detect", "train"]),
        vec![
            (3, "core::files::write_atomic".to_string()),
            (4, "core::protocol::Event".to_string()),
            (4, "core::protocol".to_string()),
            (6, "tasks::detect::data".to_string()),
            (6, "tasks::detect::metrics".to_string()),
        ]
    );
}

#[test]
fn reader_finds_inline_paths_and_skips_comments_and_strings() {
    let code = "//! See [`crate::train::control`].\n\
                fn f<'a>(x: &'a str) -> char {\n\
                    let _ = \"crate::ui::app\"; /* crate::ui */\n\
                    let _ = r#\"crate::cli\"#;\n\
                    crate::train::checkpoint::save(x);\n\
                    let c = '\"'; let d = '\\''; shapes::make(); $crate::x::y;\n\
                    self::inner::go(super::Thing)\n\
                }\n\
                mod tests {\n\
                    use super::*;\n\
                }\n";
    assert_eq!(
        read(code, &["data"]),
        vec![
            (5, "train::checkpoint::save".to_string()),
            (7, "data::inner::go".to_string()),
            (7, "Thing".to_string()),
            (10, "data".to_string()),
        ]
    );
    // `use child::X` is a path inside the crate; `use rand::X` is not.
    assert_eq!(
        read("use shapes::Shape;\nuse rand::Rng;\n", &["data"]),
        vec![(1, "data::shapes::Shape".to_string())]
    );
}
