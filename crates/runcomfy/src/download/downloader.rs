//! [`Downloader`]: streams each output URL into a directory, resuming
//! dropped connections, and moves it into place when complete.

use std::path::Path;

use crate::download::attempt::{Progress, Step, attempt, backoff};
use crate::download::disk::{DiskWriter, Litter, create_temp, io_error, place};
use crate::download::names::file_name_for;
use crate::download::options::{DownloadOptions, DownloadedFile};
use crate::download::target::Target;
use crate::error::{Error, Result};

/// Downloads outputs. Holds a [`reqwest::Client`] that must NOT carry
/// credentials (no default `Authorization` header): output URLs are fetched
/// as they are.
#[derive(Debug, Clone)]
pub struct Downloader {
    http: reqwest::Client,
    options: DownloadOptions,
}

impl Downloader {
    /// A downloader using this client (without credentials) and these limits.
    pub fn new(http: reqwest::Client, options: DownloadOptions) -> Self {
        Self { http, options }
    }

    /// Streams one URL into `dir` (created if missing) and returns where it
    /// landed. The name comes from [`file_name_for`]; an existing file is
    /// never overwritten. `request_id` is the job the output belongs to, and
    /// is carried by the errors.
    pub async fn download(
        &self,
        url: &str,
        dir: &Path,
        request_id: Option<&str>,
    ) -> Result<DownloadedFile> {
        let target = Target::new(url, request_id)?;
        self.fetch(&target, dir).await
    }

    /// Several URLs into `dir`, one after the other; names are made unique
    /// among them and against files already there. Every URL is checked
    /// before the first request. The first failure ends the call; the files
    /// downloaded before it stay in `dir`.
    pub async fn download_all(
        &self,
        urls: &[String],
        dir: &Path,
        request_id: Option<&str>,
    ) -> Result<Vec<DownloadedFile>> {
        let targets = urls
            .iter()
            .map(|url| Target::new(url, request_id))
            .collect::<Result<Vec<_>>>()?;
        let mut files = Vec::with_capacity(targets.len());
        for target in &targets {
            files.push(self.fetch(target, dir).await?);
        }
        Ok(files)
    }

    async fn fetch(&self, target: &Target<'_>, dir: &Path) -> Result<DownloadedFile> {
        let name = file_name_for(&target.url);
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|source| Error::Io {
                path: dir.to_owned(),
                source,
            })?;
        let (file, temp) = create_temp(dir, &name).await?;
        // Declared before the writer, so the file is closed before it is removed.
        let mut litter = Litter(Some(temp.clone()));
        let mut writer = DiskWriter::new(file.into_std().await);
        let bytes = self.stream(target, &mut writer, &temp).await?;
        writer.finish().await.map_err(io_error(&temp))?;
        let path = place(&temp, dir, &name).await?;
        litter.0 = None;
        Ok(DownloadedFile {
            url: target.given.to_owned(),
            path,
            bytes,
        })
    }

    /// Fetches the whole body into `file`, resuming after drops; returns its size.
    async fn stream(&self, target: &Target<'_>, file: &mut DiskWriter, temp: &Path) -> Result<u64> {
        let mut progress = Progress::default();
        let mut resumes = 0;
        loop {
            let reason = match attempt(
                &self.http,
                &self.options,
                target,
                file,
                temp,
                &mut progress,
                resumes == 0,
            )
            .await?
            {
                Step::Complete => break,
                Step::Dropped(reason) => reason,
            };
            if resumes >= self.options.resume_attempts {
                let of = progress
                    .expected
                    .map_or_else(|| "an unknown number of".to_owned(), |n| n.to_string());
                return Err(target.fail(format!(
                    "the connection dropped ({reason}); {} of {of} bytes arrived, \
                     giving up after {resumes} resume attempt(s)",
                    progress.written
                )));
            }
            resumes += 1;
            tracing::debug!(
                url = %target.shown,
                written = progress.written,
                expected = ?progress.expected,
                attempt = resumes,
                %reason,
                "download interrupted; resuming"
            );
            tokio::time::sleep(backoff(resumes)).await;
        }
        if let Some(expected) = progress.expected
            && progress.written != expected
        {
            return Err(target.fail(format!(
                "{} bytes arrived but {expected} were announced",
                progress.written
            )));
        }
        Ok(progress.written)
    }
}
