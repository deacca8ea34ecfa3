//! A crate's module tree as rustc finds it: from a crate root (`lib.rs`,
//! `main.rs`, `bin/NAME.rs`) through each `mod NAME;` to `NAME.rs` or
//! `NAME/mod.rs`, and the file a path (`crate::…`, `super::…`, `self::…`, or
//! a child module's name) leads to.

use super::lexer::tokens;
use super::outline::{Outline, Reference, outline};
use super::tree::{SourceFile, Workspace};

/// One file of the tree.
#[derive(Debug)]
pub(super) struct ModuleFile<'a> {
    pub(super) file: &'a SourceFile,
    /// Its module path from the crate root (`["chaos", "driver"]`).
    pub(super) module: Vec<String>,
    pub(super) outline: Outline,
}

/// The files reachable from one crate root.
#[derive(Debug)]
pub(super) struct ModuleTree<'a> {
    pub(super) files: Vec<ModuleFile<'a>>,
}

impl<'a> ModuleTree<'a> {
    /// The tree of the crate root at `root` (relative to the repository);
    /// `None` when the root was not read.
    pub(super) fn load(workspace: &'a Workspace, root: &str) -> Option<Self> {
        let folder = root.rsplit_once('/').map_or("", |(folder, _)| folder);
        let mut tree = Self { files: Vec::new() };
        // (file, its module path, the folder of its children)
        let mut pending = vec![(workspace.file(root)?, Vec::new(), folder.to_owned())];
        while let Some((file, module, children)) = pending.pop() {
            let outline = outline(&tokens(&file.text));
            for declaration in &outline.declarations {
                let mut folder = children.clone();
                for inline in &declaration.scope {
                    folder = format!("{folder}/{inline}");
                }
                let name = &declaration.name;
                let own = format!("{folder}/{name}");
                let Some(child) = workspace
                    .file(&format!("{own}.rs"))
                    .or_else(|| workspace.file(&format!("{own}/mod.rs")))
                else {
                    continue;
                };
                let mut path = module.clone();
                path.extend(declaration.scope.iter().cloned());
                path.push(name.clone());
                pending.push((child, path, own));
            }
            tree.files.push(ModuleFile {
                file,
                module,
                outline,
            });
        }
        Some(tree)
    }

    /// The file a reference of file `from` leads to: the file of the longest
    /// module path it starts with. `None` for a path outside the crate (std,
    /// a dependency) or to no module file.
    pub(super) fn resolve(&self, from: usize, reference: &Reference) -> Option<usize> {
        let mut here = self.files.get(from)?.module.clone();
        here.extend(reference.scope.iter().cloned());
        let path = &reference.path;
        let (mut absolute, rest) = match path.first()?.as_str() {
            "crate" => (Vec::new(), &path[1..]),
            "self" => (here, &path[1..]),
            "super" => {
                let supers = path.iter().take_while(|s| *s == "super").count();
                for _ in 0..supers {
                    here.pop()?;
                }
                (here, &path[supers..])
            }
            first => {
                let mut child = here.clone();
                child.push(first.to_owned());
                self.files.iter().find(|f| f.module == child)?;
                (here, &path[..])
            }
        };
        absolute.extend(rest.iter().cloned());
        (0..=absolute.len())
            .rev()
            .find_map(|n| self.files.iter().position(|f| f.module == absolute[..n]))
    }
}
