//! Where downloads land: hostile names cleaned, same names numbered, nothing overwritten.

use std::sync::Arc;

use runcomfy::download::file_name_for;

use crate::download_support::{Answer, body, downloader, file_server, listing, quick};

#[test]
fn file_name_for_cleans_hostile_names() {
    let name = |url: &str| file_name_for(&url::Url::parse(url).expect("url"));
    let long = "x".repeat(500);
    let cases = [
        (
            "https://h/files/1/output.mp4?sig=abc#t=1",
            "output.mp4".to_owned(),
        ),
        (
            "https://h/a/..%2F..%2Fetc%2Fpasswd",
            "_.._etc_passwd".into(),
        ),
        ("https://h/a/%2e%2e", "output".into()),
        ("https://h/a/%2E%2E%2F", "_".into()),
        ("https://h/a/..", "output".into()),
        ("https://h/a/.", "output".into()),
        ("https://h/a/.hidden", "hidden".into()),
        ("https://h/a/...mp4", "mp4".into()),
        ("https://h/a/a%00b.mp4", "a_b.mp4".into()),
        ("https://h/a/a%0Ab%7F.mp4", "a_b_.mp4".into()),
        ("https://h/a/dir%5Cfile.mp4", "dir_file.mp4".into()),
        ("https://h/a/evil%E2%80%AE4pm.exe", "evil_4pm.exe".into()),
        ("https://h/a/%20%20trailing.mp4.%20", "trailing.mp4".into()),
        ("https://h/a/con", "con".into()),
        ("https://h/a/caf%C3%A9.mp4", "café.mp4".into()),
        ("https://h/a/", "output".into()),
        ("https://h", "output".into()),
        (
            &format!("https://h/a/{long}.mp4"),
            format!("{}.mp4", &long[..116]),
        ),
        (&format!("https://h/a/{long}"), long[..120].to_owned()),
    ];
    for (url, expected) in cases {
        assert_eq!(name(url), expected, "{url}");
    }
    // Multi-byte characters are never cut in half.
    let wide = name(&format!("https://h/a/{}.mp4", "é".repeat(100)));
    assert!(wide.len() <= 120, "{}", wide.len());
    assert!(wide.ends_with(".mp4") && wide.starts_with('é'), "{wide}");
    // A long "extension" is not one.
    assert_eq!(name(&format!("https://h/a/a.{long}")).len(), 120);
}

#[tokio::test]
async fn hostile_names_land_directly_inside_the_directory() {
    let file = Arc::new(body(1000));
    let server = file_server(&file, Answer::Whole, Answer::Whole).await;
    let dir = tempfile::tempdir().expect("tmp");
    let inside = dir.path().join("outputs");
    let canonical = {
        std::fs::create_dir_all(&inside).expect("mkdir");
        inside.canonicalize().expect("canonical")
    };
    let long = "y".repeat(500);
    let paths = [
        "/a/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/a/..%2F..%2F..%2F..%2Ftmp%2Fescaped".into(),
        "/a/%2e%2e".into(),
        "/a/%2e%2e%2f".into(),
        "/a/..".into(),
        "/a/.hidden".into(),
        "/a/.bashrc".into(),
        "/a/a%00b.mp4".into(),
        "/a/%5C..%5C..%5Cwin.ini".into(),
        format!("/a/{long}.mp4"),
        "/a/con".into(),
    ];
    let downloader = downloader(quick());
    let mut landed = Vec::new();
    for path in &paths {
        let got = downloader
            .download(&server.url(path), &inside, None)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let real = got.path.canonicalize().expect("exists");
        assert_eq!(real.parent(), Some(canonical.as_path()), "{path}");
        let name = real
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(!name.starts_with('.'), "{path} gave hidden {name}");
        assert!(name.len() <= 130, "{path} gave {} bytes", name.len());
        assert_eq!(std::fs::read(&real).expect("read"), *file);
        landed.push(name);
    }
    assert!(landed.contains(&"con".to_owned()));
    assert!(landed.contains(&format!("{}.mp4", &long[..116])));
    assert_eq!(
        listing(&inside).len(),
        paths.len(),
        "every file inside, nothing hidden left"
    );
    assert_eq!(listing(dir.path()), ["outputs"], "nothing escaped");
}

#[tokio::test]
async fn same_names_are_numbered_and_existing_files_are_never_overwritten() {
    let file = Arc::new(body(5000));
    let server = file_server(&file, Answer::Whole, Answer::Whole).await;
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("new").join("dir"); // created on demand
    let url = server.url("/files/abc/output.mp4");
    let downloader = downloader(quick());

    let first = downloader.download(&url, &out, None).await.expect("first");
    let second = downloader.download(&url, &out, None).await.expect("second");
    assert_eq!(first.path, out.join("output.mp4"));
    assert_eq!(second.path, out.join("output (1).mp4"));

    // An existing file with the name, and names repeated within one call.
    std::fs::write(out.join("keep.bin"), b"precious").expect("write");
    let all = downloader
        .download_all(
            &[server.url("/keep.bin"), server.url("/x/keep.bin"), url],
            &out,
            Some("req-7"),
        )
        .await
        .expect("all");
    let names: Vec<_> = all
        .iter()
        .map(|f| {
            f.path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["keep (1).bin", "keep (2).bin", "output (2).mp4"]);
    assert_eq!(
        std::fs::read(out.join("keep.bin")).expect("read"),
        b"precious"
    );
    for f in all.iter().chain([&first, &second]) {
        assert_eq!(std::fs::read(&f.path).expect("read"), *file);
    }
    assert_eq!(
        listing(&out),
        [
            "keep (1).bin",
            "keep (2).bin",
            "keep.bin",
            "output (1).mp4",
            "output (2).mp4",
            "output.mp4"
        ]
    );
}
