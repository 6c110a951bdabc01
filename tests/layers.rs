//! The crate's top-level modules stand in one direction (ARCHITECTURE.md, "Layers"): in the
//! shipping code (doc comments and `#[cfg(test)]` items aside), a module names only modules
//! of its own layer or below, and no two modules name each other through any path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top to bottom. A module may use those of its own layer and the layers below.
const LAYERS: &[&[&str]] = &[
    &["internals", "pipeline"],
    &["config"],
    &["report"],
    &["measure"],
    &["corpus"],
    &["count"],
    &["ingest", "lexicon"],
    &["tokenise"],
    &["cli", "period", "error", "whole", "alloc"],
];

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| panic!("module {module} is in no layer: add it to LAYERS"))
}

/// The shipping lines of a source file, the whole file read: doc and other comments dropped,
/// and each `#[cfg(test)]` item (a module to its closing brace, a module in a file of its own
/// to its declaration, any other item to its closing brace at the item's indent); and the
/// files of the test modules it declares (`mod tests;`, `#[path = "x.rs"] mod x;`), which
/// are test code too.
fn shipping(text: &str) -> (Vec<&str>, Vec<String>) {
    let mut lines = text.lines().peekable();
    let mut out = Vec::new();
    let mut test_files = Vec::new();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        if t != "#[cfg(test)]" {
            out.push(line);
            continue;
        }
        // The item's other attributes, and the file a `#[path]` names.
        let mut path = None;
        while let Some(next) = lines.peek().map(|l| l.trim_start()) {
            if !next.starts_with("#[") {
                break;
            }
            if let Some(rest) = next.strip_prefix("#[path = \"") {
                path = rest.split('"').next().map(str::to_string);
            }
            lines.next();
        }
        let Some(item) = lines.next() else { break };
        let head = item.trim_start();
        let module = head
            .strip_prefix("pub(crate) mod ")
            .or_else(|| head.strip_prefix("mod "));
        if let Some(name) = module.filter(|m| m.trim_end().ends_with(';')) {
            let name = name.trim_end().trim_end_matches(';').to_string();
            test_files.push(path.unwrap_or(format!("{name}.rs")));
            continue;
        }
        if module.is_some() {
            // A module written here: to the brace that closes it.
            let mut depth = braces(item);
            for l in lines.by_ref() {
                if depth <= 0 {
                    break;
                }
                if !l.trim_start().starts_with("//") {
                    depth += braces(l);
                }
                if depth <= 0 {
                    break;
                }
            }
            continue;
        }
        let indent = item.len() - head.len();
        if item.trim_end().ends_with(';') && !item.contains('{') {
            continue;
        }
        for l in lines.by_ref() {
            if l.len() > indent && l[indent..].starts_with('}') && l.trim() == "}" {
                break;
            }
        }
    }
    (out, test_files)
}

/// Opening less closing braces on a line (outside string and character literals, roughly:
/// a quoted `{` or `}` is skipped).
fn braces(line: &str) -> i32 {
    let mut depth = 0;
    let mut quoted = false;
    let mut previous = ' ';
    for c in line.chars() {
        match c {
            '"' if previous != '\\' => quoted = !quoted,
            '{' if !quoted && previous != '\'' => depth += 1,
            '}' if !quoted && previous != '\'' => depth -= 1,
            _ => {}
        }
        previous = c;
    }
    depth
}

/// Each top-level module -> the top-level modules its shipping code names (`crate::x`).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let names = regex::Regex::new(r"crate::(\w+)").unwrap();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // The files of test modules, found as their parents declare them.
    let mut tests: BTreeSet<std::path::PathBuf> = BTreeSet::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let dir = path.parent().unwrap();
        for file in shipping(&text).1 {
            tests.insert(dir.join(&file));
            // `mod tests;` in a mod.rs is tests.rs beside it, in foo.rs it is foo/tests.rs.
            let stem = path.file_stem().unwrap();
            if stem != "mod" && stem != "lib" && stem != "main" {
                tests.insert(dir.join(stem).join(&file));
            }
        }
    }
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        if tests.contains(path) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let used = graph.entry(module.clone()).or_default();
        for line in shipping(&text).0 {
            for c in names.captures_iter(line) {
                let target = &c[1];
                // `crate::analyse` and the like name the library's root, above every module.
                let is_module =
                    src.join(format!("{target}.rs")).exists() || src.join(target).is_dir();
                if is_module && target != module {
                    used.insert(target.to_string());
                }
            }
        }
    }
    graph
}

#[test]
fn no_module_names_one_of_a_layer_above_it() {
    let graph = imports();
    let mut against = Vec::new();
    for (module, used) in &graph {
        for target in used {
            if layer(target) < layer(module) {
                against.push(format!("{module} -> {target}"));
            }
        }
    }
    assert!(
        against.is_empty(),
        "imports against the layers: {against:?}"
    );
}

#[test]
fn no_cycle_between_top_level_modules() {
    let graph = imports();
    // Depth-first search for a path back to where it started.
    fn reaches(
        graph: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        graph
            .get(from)
            .into_iter()
            .flatten()
            .any(|next| next == to || (seen.insert(next.clone()) && reaches(graph, next, to, seen)))
    }
    for module in graph.keys() {
        assert!(
            !reaches(&graph, module, module, &mut BTreeSet::new()),
            "{module} reaches itself: {graph:?}"
        );
    }
}

#[test]
fn the_checker_sees_imports_and_leaves_out_tests_and_comments() {
    let text = "use crate::count::Counts;\n/// [`crate::report::x`]\nfn f() {}\n\
                #[cfg(test)]\nfn helper() {\n    crate::pipeline::x();\n}\n\
                fn g() { crate::measure::y(); }\n#[cfg(test)]\nmod tests {\n    use crate::report;\n}\n";
    let (lines, _) = shipping(text);
    let joined = lines.join("\n");
    assert!(joined.contains("crate::count") && joined.contains("crate::measure"));
    assert!(!joined.contains("crate::report") && !joined.contains("crate::pipeline"));
    // The whole file is read: shipping code after a test module counts, and a test module's
    // own file is named, not read.
    let text = "#[cfg(test)]\nmod tests {\n    fn f() { let s = \"{\"; }\n}\n\
                fn after() { crate::ingest::z(); }\n#[cfg(test)]\n#[path = \"t.rs\"]\nmod t;\n\
                #[cfg(test)]\nmod u;\nfn last() { crate::lexicon::w(); }\n";
    let (lines, files) = shipping(text);
    let joined = lines.join("\n");
    assert!(
        joined.contains("crate::ingest") && joined.contains("crate::lexicon"),
        "{joined}"
    );
    assert!(!joined.contains("let s"), "{joined}");
    assert_eq!(files, ["t.rs", "u.rs"]);
    assert_eq!(layer("pipeline"), 0);
    assert!(layer("error") > layer("config"));
    // Edges the code has: the checker sees them.
    let graph = imports();
    assert!(graph["config"].contains("count"), "{graph:?}");
    assert!(graph["measure"].contains("count"), "{graph:?}");
    assert!(graph["pipeline"].contains("measure"), "{graph:?}");
    assert!(graph["lexicon"].contains("whole"), "{graph:?}");
}
