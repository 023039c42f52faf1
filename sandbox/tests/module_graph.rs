//! The sandbox's modules import one another in one direction only: this test reads the
//! `crate::` and `super::` paths of every file under `src/`, builds the module graph, and
//! fails naming the cycle when one appears (issue 17). A second test proves the reader
//! catches the import forms the sources use.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path ("a::b") of each file under `src/`, and its source without comments and
/// without its `#[cfg(test)]` tail (tests may look anywhere).
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let mut parts: Vec<String> = relative
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            match parts.last().map(String::as_str) {
                // The binary is a crate of its own: it reaches the library by its name.
                Some("main") if parts.len() == 1 => continue,
                Some("lib") if parts.len() == 1 => parts.clear(),
                Some("mod") => {
                    parts.pop();
                }
                _ => {}
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            found.insert(parts.join("::"), code_of(&text));
        }
    }
    found
}

/// The text before `#[cfg(test)]`, with `//` comments removed.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path written after `crate::` or `super::` in `code`, with `{a, b::{c}}` groups
/// expanded, as absolute paths.
fn paths_in(module: &str, code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    // A module's own children, reached as `child::x` or `self::child::x`.
    let children: Vec<&str> = code
        .lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("pub ").unwrap_or(l.trim());
            l.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect();
    let mut anchors = vec![
        "crate::".to_string(),
        "super::".to_string(),
        "self::".to_string(),
    ];
    anchors.extend(children.iter().map(|c| format!("{c}::")));
    for anchor in &anchors {
        let anchor = anchor.as_str();
        let mut from = 0;
        while let Some(at) = code[from..].find(anchor) {
            let start = from + at;
            from = start + anchor.len();
            let before = if start > 0 { bytes[start - 1] } else { b' ' };
            if before.is_ascii_alphanumeric() || before == b'_' || before == b':' {
                continue;
            }
            let mut base: Vec<String> = match anchor {
                "crate::" => Vec::new(),
                "super::" => {
                    let mut parent = split(module);
                    parent.pop();
                    parent
                }
                "self::" => split(module),
                child => {
                    let mut path = split(module);
                    path.push(child.trim_end_matches("::").to_string());
                    path
                }
            };
            let mut rest = &code[from..];
            // `super::super::x`
            while let Some(more) = rest.strip_prefix("super::") {
                base.pop();
                rest = more;
            }
            for tail in use_tree(rest) {
                let mut full = base.clone();
                full.extend(tail);
                out.push(full);
            }
        }
    }
    out
}

fn split(module: &str) -> Vec<String> {
    module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads one use tree at the start of `text`: `a::b::C`, `a::{b, c::D}`, `a::*`.
fn use_tree(text: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut end = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            let inner = &group[..end];
            let mut out = Vec::new();
            let mut depth = 0;
            let mut item_start = 0;
            for (i, c) in inner.char_indices().chain([(inner.len(), ',')]) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        let item = inner[item_start..i].trim();
                        item_start = i + 1;
                        if item.is_empty() || item == "self" {
                            continue;
                        }
                        for tail in use_tree(item) {
                            let mut full = segments.clone();
                            full.extend(tail);
                            out.push(full);
                        }
                    }
                    _ => {}
                }
            }
            if out.is_empty() {
                out.push(segments);
            }
            return out;
        }
        let ident: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            return vec![segments];
        }
        segments.push(ident.clone());
        rest = &rest[ident.len()..];
        match rest.strip_prefix("::") {
            Some(more) => rest = more,
            None => return vec![segments],
        }
    }
}

/// Which module a path lands in: its longest prefix that is a module.
fn target(path: &[String], known: &BTreeSet<String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| known.contains(m))
}

/// module -> the modules it imports (itself, its ancestors' declarations aside).
fn graph(sources: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let known: BTreeSet<String> = sources.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (module, code) in sources {
        let targets: BTreeSet<String> = paths_in(module, code)
            .iter()
            .filter_map(|p| target(p, &known))
            // `crate::x` from lib.rs and a module naming itself are not imports.
            .filter(|t| t != module && !t.is_empty())
            .collect();
        edges.insert(module.clone(), targets);
    }
    edges
}

/// The first cycle found, as `a -> b -> a`.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut found = stack[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, stack, done) {
                return Some(found);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

#[test]
fn sandbox_modules_import_each_other_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = modules(&src);
    assert!(sources.contains_key("state") && sources.contains_key("server"));
    let edges = graph(&sources);
    // The graph is real: the layers the code is built on show up as edges.
    assert!(edges["state"].contains("sendtalk"), "{edges:?}");
    assert!(edges["control"].contains("state"), "{edges:?}");
    if let Some(found) = cycle(&edges) {
        panic!("import cycle among sandbox modules: {}", found.join(" -> "));
    }
}

#[test]
fn the_graph_reader_sees_every_import_form_and_finds_cycles() {
    let sources: BTreeMap<String, String> = [
        (
            "a",
            "use crate::{b, c::{D, e::F}};\nfn f() { crate::g::h(); }",
        ),
        (
            "b",
            "use crate::c::D; // crate::a in a comment is no import",
        ),
        ("c", "mod e;\npub use e::F;"),
        ("c::e", "use super::D;\nuse super::super::g::x;"),
        ("g", "use crate::a::thing;"),
    ]
    .into_iter()
    .map(|(m, code)| (m.to_string(), code_of(code)))
    .collect();
    let edges = graph(&sources);
    let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(edges["a"], set(&["b", "c", "c::e", "g"]));
    assert_eq!(edges["b"], set(&["c"]));
    assert_eq!(edges["c"], set(&["c::e"]));
    assert_eq!(edges["c::e"], set(&["c", "g"]));
    assert_eq!(
        cycle(&edges).map(|c| c.join(" -> ")).as_deref(),
        Some("c -> c::e -> c")
    );
    let mut acyclic = sources.clone();
    acyclic.insert("c".into(), "mod e;".into());
    assert_eq!(
        cycle(&graph(&acyclic)).map(|c| c.join(" -> ")).as_deref(),
        Some("a -> c::e -> g -> a")
    );
    acyclic.insert("g".into(), String::new());
    assert_eq!(cycle(&graph(&acyclic)), None);
}
