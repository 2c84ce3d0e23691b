//! Tidy: the architecture's invariants, as tests over the source text (rust-analyzer's style).
//! Outside `spec/` and outside tests: no API path, error number or HTTP status literal, no
//! function of the spec named by a string; module docs name files that exist; erratum ids
//! resolve; and no module imports another that imports it back (file level, in every crate).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// Offences found when this test was written, being fixed (issue 22). Each must go from the
/// list when it is fixed: a listed offence that is no longer found fails the test too, so the
/// list only shrinks. Entries are `path: text` without line numbers, so that unrelated edits
/// do not move them.
const KNOWN: &[(&str, &str)] = &[
    // HTTP statuses written as numbers.
    (
        "numbers",
        "crates/helios-client/src/client.rs: if exchange.0.response.status != 401 || self.auth == AuthMode::None {",
    ),
    (
        "numbers",
        "crates/helios-client/src/client.rs: if exchange.0.response.status == 401 {",
    ),
    (
        "numbers",
        "crates/helios-conform/src/behaviour/config.rs: let parsed = if exchange.response.status == 200 {",
    ),
    (
        "numbers",
        "crates/helios-conform/src/behaviour/timing/camera.rs: if status != 200 || !content_type.starts_with(\"multipart/x-mixed-replace\") {",
    ),
    (
        "numbers",
        "crates/helios-conform/src/judge.rs: if response.status != 200 {",
    ),
    (
        "numbers",
        "crates/helios-conform/src/load/snapshot.rs: if exchange.response.status == 200",
    ),
    (
        "numbers",
        "crates/helios-conform/src/preflight.rs: if exchange.response.status != 401 && code != Some(refused) {",
    ),
    (
        "numbers",
        "crates/helios-conform/src/session.rs: .is_ok_and(|exchange| exchange.response.status == 401)",
    ),
    // Import cycles.
    (
        "cycles",
        "crates/helios-conform: behaviour, case, discovery, findings, generate, judge, preflight, property, run, session, shape, verdict",
    ),
    ("cycles", "crates/helios-conform: model, model::drive"),
    (
        "cycles",
        "crates/helios-conform: model::calls, model::calls::track",
    ),
    (
        "cycles",
        "crates/helios-conform: behaviour::events, behaviour::events::world",
    ),
    (
        "cycles",
        "crates/helios-conform: model::switches, model::switches::judge",
    ),
    (
        "cycles",
        "crates/helios-conform: model::channels::judge, model::channels::raise, model::channels::run",
    ),
];

/// Fails on what `found` holds beyond the entries of [`KNOWN`] for `check`, and on those
/// entries no longer found.
fn judge(check: &str, what: &str, found: Vec<String>) {
    let strip = |line: &str| -> String {
        // `path:line: text` → `path: text`
        match line.split_once(": ") {
            Some((place, text)) => {
                let path = place.rsplit_once(':').map_or(place, |(p, n)| {
                    if n.chars().all(|c| c.is_ascii_digit()) {
                        p
                    } else {
                        place
                    }
                });
                format!("{path}: {text}")
            }
            None => line.to_owned(),
        }
    };
    let found: BTreeSet<String> = found.iter().map(|l| strip(l)).collect();
    let known: BTreeSet<String> = KNOWN
        .iter()
        .filter(|(of, _)| *of == check)
        .map(|(_, k)| (*k).to_owned())
        .collect();
    let new: Vec<&String> = found.difference(&known).collect();
    let fixed: Vec<&String> = known.difference(&found).collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{what}\nnew offences:\n{}\nfixed, to be taken off KNOWN in xtask/tests/tidy.rs:\n{}",
        new.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        fixed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned()
}

/// Every Rust file of the workspace and the fuzz workspace, but build output.
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "corpus" {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for dir in ["spec", "crates", "xtask", "fuzz"] {
        walk(&root().join(dir), &mut files);
    }
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Whether the whole file is test code: integration tests, benches, a `tests.rs` module.
fn is_test_file(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "tests" || part == "benches" || part == "tests.rs")
        || path.starts_with("xtask/")
}

/// The file's code without its test module (everything from the first `#[cfg(test)]`).
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// The lines of `text` that are code, not comments, with their numbers.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(at, line)| (at + 1, line))
}

/// The production code of every file outside `spec/`: (path, code).
fn production_outside_spec() -> Vec<(String, String)> {
    rust_files()
        .into_iter()
        .filter_map(|path| {
            let name = relative(&path);
            if name.starts_with("spec/") || is_test_file(&name) {
                return None;
            }
            let text = std::fs::read_to_string(&path).ok()?;
            Some((name, without_tests(&text).to_owned()))
        })
        .collect()
}

/// The places where `pattern` matches code outside `spec/` and tests.
fn offences(pattern: &Regex) -> Vec<String> {
    let mut found = Vec::new();
    for (name, code) in production_outside_spec() {
        for (number, line) in code_lines(&code) {
            if pattern.is_match(line) {
                found.push(format!("{name}:{number}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn no_api_path_outside_the_spec() {
    let found = offences(&Regex::new(r#""/api/"#).expect("a pattern"));
    judge("api", "API paths belong to spec/", found);
}

#[test]
fn no_error_number_or_http_status_literal_outside_the_spec() {
    let pattern = Regex::new(
        r"\b(code|status)\s*(==|!=)\s*\d+\b|StatusCode::from_u16\(\d+|Some\((9|10|11|12|13|14|15)\)\s*=>",
    )
    .expect("a pattern");
    let found = offences(&pattern);
    judge(
        "numbers",
        "error codes and their HTTP statuses come from helios_spec::ErrorCode",
        found,
    );
}

#[test]
fn no_function_named_by_a_string_outside_the_spec() {
    let names: Vec<&str> = helios_spec::FUNCTIONS
        .iter()
        .map(|f| f.short_path())
        .filter(|path| path.contains('/'))
        .collect();
    let mut found = Vec::new();
    for (name, code) in production_outside_spec() {
        for (number, line) in code_lines(&code) {
            for function in &names {
                if line.contains(&format!("\"{function}\"")) {
                    found.push(format!("{name}:{number}: {}", line.trim()));
                }
            }
        }
    }
    judge(
        "labels",
        "name a function by its spec constant (`switch::ctrl::FUNCTION`), not a string",
        found,
    );
}

#[test]
fn module_docs_name_files_that_exist() {
    let file = Regex::new(r"[A-Za-z0-9_./-]+\.rs\b").expect("a pattern");
    let mut found = Vec::new();
    for path in rust_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = relative(&path);
        // Where a named file may live: beside this one, in its crate's src/, its crate, the
        // workspace.
        let dir = path.parent().unwrap_or(&path).to_owned();
        let krate = path
            .ancestors()
            .find(|a| a.join("Cargo.toml").is_file())
            .unwrap_or(&dir)
            .to_owned();
        let bases = [dir.clone(), krate.join("src"), krate, root()];
        for (number, line) in text.lines().enumerate() {
            let Some(doc) = line.trim_start().strip_prefix("//!") else {
                continue;
            };
            for named in file.find_iter(doc) {
                let named = named.as_str().trim_start_matches("./");
                let exists = bases.iter().any(|base| {
                    base.join(named).is_file()
                        || base.ancestors().take(4).any(|up| up.join(named).is_file())
                });
                if !exists {
                    found.push(format!("{name}:{}: {named}", number + 1));
                }
            }
        }
    }
    judge("docs", "module docs name files that do not exist", found);
}

#[test]
fn erratum_ids_resolve() {
    let known: BTreeSet<&str> = helios_spec::ERRATA.iter().map(|e| e.id).collect();
    let cited = Regex::new(
        r#"(?:errat\w*|admitting|non_strict|success_admitted)\b[^"\n]{0,60}"([a-z0-9]+(?:-[a-z0-9]+)+)""#,
    )
    .expect("a pattern");
    let mut found = Vec::new();
    for path in rust_files() {
        let name = relative(&path);
        if name.starts_with("spec/") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (number, line) in code_lines(&text) {
            for citation in cited.captures_iter(line) {
                let id = &citation[1];
                if !known.contains(id) {
                    found.push(format!("{name}:{number}: {id}"));
                }
            }
        }
    }
    judge(
        "errata",
        "erratum ids that the register does not hold",
        found,
    );
}

/// A crate's modules, each with the modules its code refers to.
#[derive(Debug, Default)]
struct Graph {
    edges: BTreeMap<String, BTreeSet<String>>,
}

/// The module path of a file under `src/`: `a::b` for `a/b.rs` or `a/b/mod.rs`, `` for
/// `lib.rs` and `main.rs`.
fn module_of(src: &Path, path: &Path) -> Option<String> {
    let inner = path.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = inner
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    match last.as_str() {
        "lib.rs" | "main.rs" if parts.is_empty() => {}
        "mod.rs" => {}
        other => parts.push(other.strip_suffix(".rs")?.to_owned()),
    }
    Some(parts.join("::"))
}

/// Expands a `use` tree (`crate::{a::X, b::{c, d}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.to_owned()];
    };
    let prefix = &tree[..open];
    let inner = tree[open + 1..].trim_end().trim_end_matches('}');
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&inner[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .flat_map(|item| expand(&format!("{prefix}{}", item.trim())))
        .collect()
}

/// The crate's module graph: an edge from a module to each module its code names through
/// `crate::`, `super::` or one of its own child modules, re-exports (`pub use`) and `mod`
/// declarations aside.
fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    walk(src, &mut files);
    let modules: BTreeMap<String, PathBuf> = files
        .iter()
        .filter(|p| !p.ends_with("tests.rs"))
        .filter_map(|p| Some((module_of(src, p)?, p.clone())))
        .collect();
    let path_pattern =
        Regex::new(r"\b(crate|super|self)((?:::[a-z_][a-z0-9_]*)+)").expect("a pattern");
    let use_pattern = Regex::new(r"(?s)\buse\s+([^;]+);").expect("a pattern");
    let mut graph = Graph::default();
    for (module, path) in &modules {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let code = without_tests(&text);
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let parent = module.rsplit_once("::").map_or("", |(p, _)| p).to_owned();
        let resolve = |head: &str, rest: &str| -> Option<String> {
            let base = match head {
                "crate" => String::new(),
                "super" => parent.clone(),
                "self" => module.clone(),
                _ => return None,
            };
            let mut target = base;
            // Further `super`s climb; then the longest prefix that is a module wins.
            let mut candidate = target.clone();
            for part in rest.split("::").filter(|p| !p.is_empty()) {
                if part == "super" {
                    target = target.rsplit_once("::").map_or("", |(p, _)| p).to_owned();
                    candidate = target.clone();
                    continue;
                }
                let next = if candidate.is_empty() {
                    part.to_owned()
                } else {
                    format!("{candidate}::{part}")
                };
                if modules.contains_key(&next) {
                    candidate = next;
                    target = candidate.clone();
                } else {
                    break;
                }
            }
            Some(target)
        };
        let mut targets = BTreeSet::new();
        // `use` trees, re-exports aside.
        for statement in use_pattern.captures_iter(&code) {
            let whole = statement.get(0).map_or("", |m| m.as_str());
            let start = statement.get(0).map_or(0, |m| m.start());
            if code[..start].trim_end().ends_with("pub") || whole.contains("pub(") {
                continue;
            }
            for used in expand(&statement[1]) {
                let (head, rest) = used.split_once("::").unwrap_or((used.as_str(), ""));
                let rest = format!("::{rest}");
                if let Some(target) = resolve(head, &rest) {
                    targets.insert(target);
                } else {
                    // A child module named without `self::`.
                    let child = if module.is_empty() {
                        head.to_owned()
                    } else {
                        format!("{module}::{head}")
                    };
                    if modules.contains_key(&child) {
                        targets.insert(child);
                    }
                }
            }
        }
        // Paths in code.
        let no_uses = use_pattern.replace_all(&code, "");
        for found in path_pattern.captures_iter(&no_uses) {
            if let Some(target) = resolve(&found[1], &found[2]) {
                targets.insert(target);
            }
        }
        targets.remove(module);
        graph.edges.insert(module.clone(), targets);
    }
    graph
}

/// The strongly connected groups of more than one module (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(state: &mut State<'g>, node: &'g str) {
        state.index.insert(node, state.next);
        state.low.insert(node, state.next);
        state.next += 1;
        state.stack.push(node);
        state.on_stack.insert(node);
        let graph = state.graph;
        for next in graph.edges.get(node).into_iter().flatten() {
            let next = next.as_str();
            if !graph.edges.contains_key(next) {
                continue;
            }
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut group = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                group.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                state.found.push(group);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for node in graph.edges.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// The import cycles of every crate, as `crate: a -> b -> …` lines.
fn import_cycles() -> Vec<String> {
    let mut found = Vec::new();
    let mut crates: Vec<PathBuf> = vec![root().join("spec"), root().join("xtask")];
    for entry in std::fs::read_dir(root().join("crates"))
        .into_iter()
        .flatten()
        .flatten()
    {
        crates.push(entry.path());
    }
    crates.sort();
    for krate in crates {
        let src = krate.join("src");
        if !src.is_dir() {
            continue;
        }
        for cycle in cycles(&graph(&src)) {
            found.push(format!(
                "{}: {}",
                relative(&krate),
                cycle
                    .iter()
                    .map(|m| if m.is_empty() { "(root)" } else { m })
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    found
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let found = import_cycles();
    judge(
        "cycles",
        "import cycles (each line a group of modules that reach each other)",
        found,
    );
}

#[test]
fn the_cycle_finder_finds_cycles_and_nothing_else() {
    let graph = Graph {
        edges: [
            ("a", vec!["b"]),
            ("b", vec!["c"]),
            ("c", vec!["a"]),
            ("d", vec!["a"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
        .collect(),
    };
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c"]]);
    assert_eq!(
        expand("crate::{a::X, b::{c, d::Y}}"),
        ["crate::a::X", "crate::b::c", "crate::b::d::Y"]
    );
}
