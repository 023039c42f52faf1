//! The core's structure, kept true: the modules of `src/` import one way, layer by layer,
//! with no cycle, and a panic is caught in one place only.
//!
//! Read from the code's own `use` lines and inline `crate::`/`super::` paths (comments and
//! `#[cfg(test)]` modules left out): every file is a node, every path an edge to the file
//! that defines what it names. Items are imported from the module that defines them, never
//! through the crate root's re-exports (which would make `lib.rs` a hub every cycle runs
//! through).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first: a module may import its own layer's and lower ones'. Every
/// top-level module of `src/` must be listed (a new one takes its place here).
const LAYERS: &[&[&str]] = &[
    &[
        "cancel",
        "chain_verifier",
        "envelope",
        "fork",
        "json",
        "log",
        "panic",
        "secret",
        "text",
    ],
    &["operation", "webhook"],
    &["config"],
    &["transport"],
    &["client"],
    &["ffi"],
    &["jni"],
];

/// A source file as a module path (`transport::tls`), the crate root being `""`.
struct Source {
    module: String,
    code: String,
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

fn sources(src: &Path) -> Vec<Source> {
    rust_files(src)
        .iter()
        .map(|path| source(src, path))
        .collect()
}

fn source(src: &Path, path: &Path) -> Source {
    let relative = path.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") || parts == ["lib"] {
        parts.pop();
    }
    let text = fs::read_to_string(path).unwrap();
    // Test modules may reach anywhere; they sit at the end of each file.
    let text = text.split("#[cfg(test)]").next().unwrap();
    let code = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    Source {
        module: parts.join("::"),
        code,
    }
}

/// Every path the code names through `crate::`, `super::` or `self::`, or through one of
/// its own child modules (`children`, e.g. `failure::reply(..)` in `transport/mod.rs`, read
/// as `self::failure::reply`), braces expanded.
fn paths(code: &str, children: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    // `use` statements, which may group with braces over several lines.
    let mut rest = code;
    while let Some(at) = find_use(rest) {
        let statement = &rest[at..];
        let end = statement.find(';').unwrap();
        let tree: String = statement[4..end].split_whitespace().collect();
        let first = tree.split("::").next().unwrap_or_default();
        if children.iter().any(|c| c == first) {
            expand("self", &tree, &mut out);
        } else {
            expand("", &tree, &mut out);
        }
        rest = &statement[end..];
    }
    // Inline paths: `crate::log::emit(..)`, `failure::reply(..)`.
    let anchors: Vec<String> = ["crate", "super"]
        .iter()
        .map(|a| a.to_string())
        .chain(children.iter().cloned())
        .map(|a| format!("{a}::"))
        .collect();
    for anchor in &anchors {
        let is_child = !anchor.starts_with("crate::") && !anchor.starts_with("super::");
        let mut from = 0;
        while let Some(i) = code[from..].find(anchor) {
            let start = from + i;
            let before = code[..start].chars().last();
            let tail: String = code[start..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':' || c == '{') {
                let tail = tail.trim_end_matches(':');
                out.push(if is_child {
                    format!("self::{tail}")
                } else {
                    tail.to_owned()
                });
            }
            from = start + anchor.len();
        }
    }
    out.retain(|p| p.starts_with("crate::") || p.starts_with("super::") || p.starts_with("self::"));
    out
}

fn find_use(code: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = code[from..].find("use ") {
        let at = from + i;
        let line_start = code[..at].rfind('\n').map_or(0, |n| n + 1);
        let prefix = code[line_start..at].trim();
        if prefix.is_empty() || prefix == "pub" || prefix.starts_with("pub(") {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// `a::{b, c::{d}}` -> `a::b`, `a::c::d` (a trailing `as x` and `self` handled).
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let join = |p: &str, s: &str| {
        if p.is_empty() {
            s.to_owned()
        } else if s == "self" {
            p.to_owned()
        } else {
            format!("{p}::{s}")
        }
    };
    match tree.find('{') {
        None => {
            let item = tree
                .split(" as ")
                .next()
                .unwrap()
                .split("as")
                .next()
                .unwrap();
            out.push(join(prefix, item.trim_end_matches("::")));
        }
        Some(open) => {
            let head = tree[..open].trim_end_matches("::");
            let inner = &tree[open + 1..tree.rfind('}').unwrap()];
            let prefix = join(prefix, head);
            let (mut depth, mut start) = (0, 0);
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&prefix, &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            if start < inner.len() {
                expand(&prefix, &inner[start..], out);
            }
        }
    }
}

/// The file module a path lands in: the longest prefix of it that is a file.
fn target(from: &Source, path: &str, files: &BTreeSet<String>) -> String {
    let mut segments: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = if from.module.is_empty() {
        Vec::new()
    } else {
        from.module.split("::").collect()
    };
    match segments[0] {
        "crate" => base.clear(),
        // `super` of module `a::b` is `a`, whether it is `a/b.rs` or `a/b/mod.rs`.
        "super" => {
            base.pop();
        }
        _ => {} // self
    }
    segments.remove(0);
    let mut module = base.join("::");
    for segment in segments {
        let next = if module.is_empty() {
            segment.to_owned()
        } else {
            format!("{module}::{segment}")
        };
        if files.contains(&next) {
            module = next;
        } else {
            break;
        }
    }
    module
}

fn rank(module: &str) -> Option<usize> {
    let top = module.split("::").next().unwrap();
    LAYERS.iter().position(|layer| layer.contains(&top))
}

fn graph() -> (Vec<Source>, BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = sources(&src);
    let files: BTreeSet<String> = sources.iter().map(|s| s.module.clone()).collect();
    let root = sources.iter().find(|s| s.module.is_empty()).unwrap();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in sources.iter().filter(|s| !s.module.is_empty()) {
        let prefix = format!("{}::", source.module);
        let children: Vec<String> = files
            .iter()
            .filter_map(|f| f.strip_prefix(&prefix))
            .filter(|rest| !rest.contains("::"))
            .map(str::to_owned)
            .collect();
        for path in paths(&source.code, &children) {
            let to = target(source, &path, &files);
            if to.is_empty() {
                // A name at the crate root: allowed only if it is defined there.
                let name = path
                    .trim_start_matches("crate::")
                    .split("::")
                    .next()
                    .unwrap();
                let defined = ["const", "fn", "struct", "enum", "static", "mod"]
                    .iter()
                    .any(|kind| root.code.contains(&format!("pub {kind} {name}")));
                if !defined {
                    problems.push(format!(
                        "{}: imports `{path}` through the crate root; import it from the module that defines it",
                        source.module
                    ));
                }
                continue;
            }
            if to != source.module {
                edges.entry(source.module.clone()).or_default().insert(to);
            }
        }
    }
    (sources, edges, problems)
}

#[test]
fn every_top_level_module_has_a_layer() {
    let (sources, _, _) = graph();
    for source in sources.iter().filter(|s| !s.module.is_empty()) {
        assert!(
            rank(&source.module).is_some(),
            "src module `{}` is in no layer: add it to LAYERS in this test",
            source.module
        );
    }
}

#[test]
fn modules_import_only_their_own_layer_and_the_ones_below() {
    let (_, edges, mut problems) = graph();
    for (from, targets) in &edges {
        for to in targets {
            if rank(to) > rank(from) {
                problems.push(format!("{from} imports {to}, a higher layer"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_module_imports_itself_back_through_others() {
    let (_, edges, _) = graph();
    // Depth-first search for a back edge; the cycle is printed as found.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, &edges, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_checker_sees_grouped_imports_and_inline_paths() {
    let code = "use super::{a::{B, c}, d as e};\npub(crate) use crate::x::Y;\nuse kid::Z;\nfn f() { crate::log::emit(); kid::g(); }";
    let mut found = paths(code, &["kid".to_owned()]);
    found.sort();
    found.dedup();
    assert_eq!(
        found,
        [
            "crate::log::emit",
            "crate::x::Y",
            "self::kid::Z",
            "self::kid::g",
            "super::a::B",
            "super::a::c",
            "super::d"
        ]
    );
}

#[test]
fn a_panic_is_caught_only_by_the_one_guard() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for path in rust_files(&src) {
        let code: String = fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect();
        if code.contains("catch_unwind") && !path.ends_with("src/panic.rs") {
            offenders.push(path.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "catch_unwind outside src/panic.rs (use crate::panic::guard): {offenders:?}"
    );
}
