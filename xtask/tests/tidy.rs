//! Tidy: the architecture's invariants, as tests over the source text (rust-analyzer's style).
//! Outside `spec/` and outside tests: no API path, error number or HTTP status literal, no
//! function of the spec named by a string; module docs name files that exist; erratum ids
//! resolve; no module imports another that imports it back (file level, in every crate); the
//! runner's modules import only from their own layer and the layers below, as
//! `crates/helios-conform/src/lib.rs` lists them; and no function of the runner or xtask runs
//! over 80 lines.

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
    // Import cycles.
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

/// The runner's layers as the docs of `crates/helios-conform/src/lib.rs` list them, bottom-up:
/// each top-level module with the number of its layer. A layer is an item `//! N. Name: `a`,
/// `b`. …` (its lines after the first indented), its modules the names in backticks right
/// after the colon.
fn runner_layers() -> BTreeMap<String, usize> {
    let lib = std::fs::read_to_string(root().join("crates/helios-conform/src/lib.rs"))
        .expect("the runner's lib.rs");
    let mut items: Vec<String> = Vec::new();
    for line in lib.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            continue;
        };
        match items.last_mut() {
            Some(item) if doc.starts_with("    ") => {
                item.push(' ');
                item.push_str(doc.trim());
            }
            _ => items.push(doc.trim().to_owned()),
        }
    }
    let layer = Regex::new(r"^(\d+)\. [^:`]+: ((?:`[a-z_]+`(?:, )?)+)").expect("a pattern");
    let module = Regex::new(r"`([a-z_]+)`").expect("a pattern");
    let mut layers = BTreeMap::new();
    for item in &items {
        let Some(found) = layer.captures(item) else {
            continue;
        };
        let number: usize = found[1].parse().expect("a layer number");
        for name in module.captures_iter(&found[2]) {
            layers.insert(name[1].to_owned(), number);
        }
    }
    layers
}

#[test]
fn the_runner_imports_only_from_its_own_layer_and_below() {
    let layers = runner_layers();
    assert!(layers.len() > 10, "no layers in lib.rs: {layers:?}");
    let src = root().join("crates/helios-conform/src");
    let graph = graph(&src);
    let top = |module: &str| module.split("::").next().unwrap_or_default().to_owned();
    let mut found = BTreeSet::new();
    for (module, targets) in &graph.edges {
        if module.is_empty() {
            continue;
        }
        let Some(&from) = layers.get(&top(module)) else {
            found.insert(format!(
                "crates/helios-conform: {} is in no layer of lib.rs",
                top(module)
            ));
            continue;
        };
        for target in targets {
            if let Some(&to) = layers.get(&top(target))
                && to > from
            {
                found.insert(format!(
                    "crates/helios-conform: {module} (layer {from}) imports {target} (layer {to})"
                ));
            }
        }
    }
    for listed in layers.keys() {
        if !graph.edges.contains_key(listed) {
            found.insert(format!(
                "crates/helios-conform: lib.rs lists {listed}, which is no module"
            ));
        }
    }
    judge(
        "layers",
        "the runner's modules import from their own layer and those below (lib.rs)",
        found.into_iter().collect(),
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

/// The most lines a function of the runner or xtask may take, from its signature to its
/// closing brace; a longer one is split into named steps. Tests aside.
const LONGEST_FUNCTION: usize = 80;

#[test]
fn no_function_of_the_runner_or_xtask_runs_over_80_lines() {
    let mut found = Vec::new();
    for path in rust_files() {
        let name = relative(&path);
        if !name.starts_with("crates/helios-conform/src/")
            && !name.starts_with("crates/helios-conform-cli/src/")
            && !name.starts_with("xtask/src/")
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (line, function, length) in functions(&blank_literals(without_tests(&text))) {
            if length > LONGEST_FUNCTION {
                found.push(format!("{name}:{line}: fn {function} ({length} lines)"));
            }
        }
    }
    judge(
        "length",
        "functions over 80 lines (split them into named steps)",
        found,
    );
}

/// `code` with its comments, strings and character literals blanked (newlines kept), so that
/// braces count as code.
fn blank_literals(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let blank = |out: &mut String, run: &[char]| {
        out.extend(run.iter().map(|c| if *c == '\n' { '\n' } else { ' ' }));
    };
    let mut at = 0;
    while at < chars.len() {
        let rest = &chars[at..];
        let after_word = at > 0 && (chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
        let end = if rest.starts_with(&['/', '/']) {
            rest.iter().position(|c| *c == '\n').unwrap_or(rest.len())
        } else if rest.starts_with(&['/', '*']) {
            (2..rest.len())
                .find(|i| rest[i - 1] == '*' && rest[*i] == '/')
                .map_or(rest.len(), |i| i + 1)
        } else if !after_word && (rest.starts_with(&['r', '#']) || rest.starts_with(&['r', '"'])) {
            let hashes = rest[1..].iter().take_while(|c| **c == '#').count();
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            (hashes + 2..rest.len())
                .find(|i| rest[*i..].starts_with(&closing))
                .map_or(rest.len(), |i| i + closing.len())
        } else if rest[0] == '"' {
            let mut i = 1;
            while i < rest.len() && rest[i] != '"' {
                i += if rest[i] == '\\' { 2 } else { 1 };
            }
            (i + 1).min(rest.len())
        } else if rest[0] == '\'' && rest.get(1) == Some(&'\\') {
            rest[2..]
                .iter()
                .position(|c| *c == '\'')
                .map_or(1, |i| i + 3)
        } else if rest[0] == '\'' && rest.get(2) == Some(&'\'') {
            3
        } else {
            out.push(rest[0]);
            at += 1;
            continue;
        };
        blank(&mut out, &rest[..end]);
        at += end;
    }
    out
}

/// Each function of `code` (literals blanked) with a body: the line of its signature, its
/// name and how many lines it takes.
fn functions(code: &str) -> Vec<(usize, String, usize)> {
    let signature = Regex::new(
        r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)",
    )
    .expect("a pattern");
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = signature.captures(line).map(|c| c[1].to_owned()) else {
            continue;
        };
        let mut depth = 0usize;
        let mut opened = false;
        let end = lines[start..]
            .iter()
            .enumerate()
            .find_map(|(offset, line)| {
                for c in line.chars() {
                    match c {
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => {
                            depth = depth.saturating_sub(1);
                            if opened && depth == 0 {
                                return Some(Some(offset));
                            }
                        }
                        // A declaration without a body.
                        ';' if !opened => return Some(None),
                        _ => {}
                    }
                }
                None
            });
        if let Some(Some(offset)) = end {
            found.push((start + 1, name, offset + 1));
        }
    }
    found
}

#[test]
fn the_function_measure_counts_from_signature_to_closing_brace() {
    let code = "fn a() {\n    let s = \"}\";\n    // }\n    if x { y('}') }\n}\ntrait T {\n    fn b(&self);\n}\nfn c() {}\n";
    let found = functions(&blank_literals(code));
    assert_eq!(
        found,
        [(1, "a".to_owned(), 5), (9, "c".to_owned(), 1)],
        "{code}"
    );
}
