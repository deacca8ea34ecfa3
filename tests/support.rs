//! Shared helpers of the workspace tests: where things are, loading the
//! schema examples, a readable summary of a generated module's public API,
//! and the summary of the catalog (`catalog_summary.rs`).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

#[path = "catalog_summary.rs"]
mod catalog_summary;

pub use catalog_summary::catalog_summary;

/// The repository root.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The id of every model folder under `schemas/models/` (a folder with an
/// `input.json`), sorted.
pub fn model_folders() -> Vec<String> {
    fn walk(dir: &Path, base: &Path, ids: &mut Vec<String>) {
        let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, base, ids);
            } else if path.file_name().is_some_and(|name| name == "input.json") {
                let folder = dir.strip_prefix(base).expect("under the base");
                ids.push(folder.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let base = root().join("schemas/models");
    let mut ids = Vec::new();
    walk(&base, &base, &mut ids);
    ids.sort();
    ids
}

/// One example input: `schemas/examples/<model>/{valid,invalid}/<name>.json`.
#[derive(Debug, Clone)]
pub struct Example {
    /// The file name without `.json`.
    pub name: String,
    /// The input.
    pub input: Value,
}

/// The examples of a model in `valid` or `invalid`, sorted by name.
pub fn examples(model_id: &str, kind: &str) -> Vec<Example> {
    let dir = root().join("schemas/examples").join(model_id).join(kind);
    let mut examples: Vec<Example> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let text =
                fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Example {
                name: path
                    .file_stem()
                    .expect("file name")
                    .to_string_lossy()
                    .into_owned(),
                input: serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            }
        })
        .collect();
    examples.sort_by(|a, b| a.name.cmp(&b.name));
    examples
}

/// Whether every media reference in an input is a `data:` URI, so that media
/// checks need no network.
pub fn media_is_inline(input: &Value) -> bool {
    ["/image_url", "/tail_image_url"]
        .iter()
        .filter_map(|pointer| input.pointer(pointer).and_then(Value::as_str))
        .all(|reference| reference.starts_with("data:"))
}

/// The public surface of a Rust file: every public item with its fields,
/// variants and methods, one per line, for a snapshot a reviewer can read.
pub fn public_api(source: &str) -> String {
    let file = syn::parse_file(source).expect("generated code parses");
    let mut out = String::new();
    summarize(&file.items, "", &mut out);
    out
}

fn tokens(t: impl quote::ToTokens) -> String {
    let text = t.to_token_stream().to_string();
    let spaced = [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        (",>", ">"),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" : ", ": "),
    ]
    .iter()
    .fold(text, |t, (from, to)| t.replace(from, to));
    // The std paths typify spells out say nothing to a reviewer.
    [
        "string",
        "option",
        "vec",
        "result",
        "convert",
        "ops",
        "default",
        "str",
        "borrow",
        "fmt",
        "collections",
    ]
    .iter()
    .fold(spaced, |t, module| {
        t.replace(&format!("::std::{module}::"), "")
    })
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn summarize(items: &[syn::Item], prefix: &str, out: &mut String) {
    for item in items {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => summarize_struct(s, prefix, out),
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let variants: Vec<String> =
                    e.variants.iter().map(|v| v.ident.to_string()).collect();
                out.push_str(&format!(
                    "{prefix}enum {} {{ {} }}\n",
                    e.ident,
                    variants.join(", ")
                ));
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                out.push_str(&format!("{prefix}const {}: {}\n", c.ident, tokens(&c.ty)));
            }
            syn::Item::Static(s) if is_pub(&s.vis) => {
                out.push_str(&format!("{prefix}static {}: {}\n", s.ident, tokens(&s.ty)));
            }
            syn::Item::Impl(i) => summarize_impl(i, prefix, out),
            syn::Item::Use(u) if is_pub(&u.vis) => {
                let tree = tokens(&u.tree).replace("{ ", "{").replace(", }", "}");
                out.push_str(&format!("{prefix}use {}\n", tree.replace(" }", "}")));
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                out.push_str(&format!("{prefix}mod {} {{\n", m.ident));
                if let Some((_, items)) = &m.content {
                    summarize(items, &format!("{prefix}    "), out);
                }
                out.push_str(&format!("{prefix}}}\n"));
            }
            _ => {}
        }
    }
}

/// A public struct: its fields with their types.
fn summarize_struct(s: &syn::ItemStruct, prefix: &str, out: &mut String) {
    out.push_str(&format!("{prefix}struct {}", s.ident));
    match &s.fields {
        syn::Fields::Named(named) => {
            out.push_str(" {\n");
            for field in &named.named {
                let name = field
                    .ident
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let vis = if is_pub(&field.vis) { "pub " } else { "" };
                out.push_str(&format!(
                    "{prefix}    {vis}{name}: {},\n",
                    tokens(&field.ty)
                ));
            }
            out.push_str(&format!("{prefix}}}\n"));
        }
        syn::Fields::Unnamed(unnamed) => {
            let fields: Vec<String> = unnamed.unnamed.iter().map(|f| tokens(&f.ty)).collect();
            out.push_str(&format!("({});\n", fields.join(", ")));
        }
        syn::Fields::Unit => out.push_str(";\n"),
    }
}

/// An impl: the trait it implements, or its public methods' signatures.
fn summarize_impl(i: &syn::ItemImpl, prefix: &str, out: &mut String) {
    let target = tokens(&i.self_ty);
    if let Some((_, trait_path, _)) = &i.trait_ {
        out.push_str(&format!(
            "{prefix}impl {} for {target}\n",
            tokens(trait_path)
        ));
        return;
    }
    for member in &i.items {
        if let syn::ImplItem::Fn(f) = member
            && is_pub(&f.vis)
        {
            let inputs: Vec<String> = f.sig.inputs.iter().map(tokens).collect();
            let output = match &f.sig.output {
                syn::ReturnType::Default => String::new(),
                syn::ReturnType::Type(_, ty) => format!(" -> {}", tokens(ty)),
            };
            out.push_str(&format!(
                "{prefix}fn {target}::{}({}){output}\n",
                f.sig.ident,
                inputs.join(", ")
            ));
        }
    }
}
