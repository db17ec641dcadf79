//! Typst → PDF in process: a minimal Typst `World` that serves the document
//! source and its charts from memory, with Typst's embedded fonts, so no
//! external binary or system font is needed and every build is the same.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

/// Fonts are loaded once per process: parsing them is the slow part of a
/// first compile.
fn fonts() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        store.extend(typst_kit::fonts::embedded());
        store
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One document to compile: `main.typ` plus files (charts) it reads.
pub struct DocumentWorld {
    main: FileId,
    source: Source,
    files: HashMap<FileId, Bytes>,
}

impl DocumentWorld {
    pub fn new(typst_source: String, files: &[(String, Arc<[u8]>)]) -> Result<Self, String> {
        let main = file_id("main.typ").ok_or("bad main path")?;
        let mut map = HashMap::new();
        for (path, bytes) in files {
            let id = file_id(path).ok_or_else(|| format!("bad file path {path}"))?;
            map.insert(id, Bytes::new(bytes.to_vec()));
        }
        Ok(DocumentWorld {
            main,
            source: Source::new(main, typst_source),
            files: map,
        })
    }

    /// The same document, edited: Typst reparses only the changed part of
    /// the source and keeps the spans of the rest, so its memoised layout
    /// of unchanged content still applies (as `typst watch` does it).
    fn update(&mut self, typst_source: &str, files: &[(String, Arc<[u8]>)]) -> Result<(), String> {
        self.source.replace(typst_source);
        self.files.clear();
        for (path, bytes) in files {
            let id = file_id(path).ok_or_else(|| format!("bad file path {path}"))?;
            self.files.insert(id, Bytes::new(bytes.to_vec()));
        }
        Ok(())
    }
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        fonts().book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().font(index)
    }

    /// No clock: documents carry a date only when the assessment sets one,
    /// so two builds of the same input are byte-identical.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Typst diagnostics as readable lines, with the source line they point at.
fn describe(world: &DocumentWorld, errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| {
            let line = world
                .range(e.span)
                .and_then(|r| world.source.lines().byte_to_line(r.start))
                .map(|l| format!(" (generated Typst line {})", l + 1))
                .unwrap_or_default();
            let hints: String = e.hints.iter().map(|h| format!("; hint: {}", h.v)).collect();
            format!("{}{line}{hints}", e.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compile Typst source (and the files it reads) to PDF bytes. `ident`
/// keeps the PDF's document id stable across builds.
pub fn compile_pdf(
    typst_source: String,
    files: &[(String, Arc<[u8]>)],
    ident: &str,
) -> Result<Vec<u8>, String> {
    let world = DocumentWorld::new(typst_source, files)?;
    compile_world(&world, ident)
}

/// One document compiled again and again as it is edited (`serve`): the
/// world is kept between compiles, and Typst's memoisation with it.
#[derive(Default)]
pub struct Incremental {
    world: Option<DocumentWorld>,
}

/// Memoised results unused for this many compiles are dropped, so a long
/// preview session does not grow without bound (typst-cli keeps 10).
const KEEP_COMPILES: usize = 10;

impl Incremental {
    pub fn compile(
        &mut self,
        typst_source: &str,
        files: &[(String, Arc<[u8]>)],
        ident: &str,
    ) -> Result<Vec<u8>, String> {
        let world = match &mut self.world {
            Some(world) => {
                world.update(typst_source, files)?;
                world
            }
            None => self
                .world
                .insert(DocumentWorld::new(typst_source.to_owned(), files)?),
        };
        let pdf = compile_world(world, ident);
        comemo::evict(KEEP_COMPILES);
        pdf
    }
}

fn compile_world(world: &DocumentWorld, ident: &str) -> Result<Vec<u8>, String> {
    let document: PagedDocument = typst::compile(world).output.map_err(|errors| {
        format!(
            "Typst could not lay out the document:\n{}",
            describe(world, &errors)
        )
    })?;
    let standards = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1])
        .map_err(|e| format!("PDF standard: {e:?}"))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_owned()),
        creator: Smart::Custom(Some(format!("needsmap {}", env!("CARGO_PKG_VERSION")))),
        standards,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options)
        .map_err(|errors| format!("PDF export failed:\n{}", describe(world, &errors)))
}
