//! End to end in a real browser: the seeds go in through the API, headless Chromium (Debian's,
//! installed by `scripts/install-chromium.sh`) opens the story page with the two articles chosen
//! side by side, and the page as the browser built it (after its script ran) must show the
//! shared passages highlighted and paired in both columns. A screenshot is kept as an artefact
//! (in `$WIRETRACE_ARTIFACTS`, else the target's tmp folder). Without a browser the test fails:
//! it never skips.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Server;

fn chromium() -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install-chromium.sh");
    let out = Command::new("bash")
        .arg(&script)
        .output()
        .expect("run scripts/install-chromium.sh");
    assert!(
        out.status.success(),
        "could not install Chromium:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn artefacts() -> PathBuf {
    let dir = std::env::var_os("WIRETRACE_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run headless Chromium on `url` with `args`, answering its stdout.
fn browse(browser: &str, profile: &Path, args: &[&str], url: &str) -> String {
    let out = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("start Chromium");
    assert!(
        out.status.success(),
        "Chromium failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_browser_shows_the_shared_passages_highlighted_in_both_columns() {
    let browser = chromium();
    let s = Server::start();
    let [dawn, _] = s.post_seeds();
    let story = dawn["articles"][0]["story"].as_i64().unwrap();
    // The analyst's choice: Salaam Times on the left, Dawn on the right.
    let url = s.url(&format!("/ui/stories/{story}?a=salaam&b=dawn"));
    let profile = tempfile::tempdir().unwrap();

    let dom = browse(
        &browser,
        profile.path(),
        &["--dump-dom", "--virtual-time-budget=5000"],
        &url,
    );
    let left_start = dom
        .find("id=\"col-a\"")
        .expect("the left column is on the page");
    let right_start = dom
        .find("id=\"col-b\"")
        .expect("the right column is on the page");
    let (left, right) = (&dom[left_start..right_start], &dom[right_start..]);
    assert!(
        left.contains("Salaam Times") && right.contains("Dawn"),
        "the chosen articles, in the chosen order"
    );
    let paired = |col: &str| col.matches("data-paired=\"true\"").count();
    assert!(
        paired(left) >= 1 && paired(right) >= 1,
        "shared passages paired in both columns: {} / {}",
        paired(left),
        paired(right)
    );
    assert!(left.contains("class=\"shared\"") && right.contains("class=\"shared\""));
    // The same passage opens in both columns, and each links to the other's.
    assert!(left.contains("href=\"#b-p0\"") && right.contains("href=\"#a-p0\""));
    assert!(
        left.contains("Al-Qaeda's regional affiliate"),
        "Salaam Times' edit of the wire text"
    );
    assert!(
        right.contains("Al Qaeda’s regional affiliate"),
        "Dawn's edit of the wire text"
    );
    let pairs: usize = dom
        .split("data-pairs=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(pairs >= 1, "the page's script ran and paired passages");
    assert!(
        left.contains("class=\"added\"") && right.contains("class=\"added\""),
        "each outlet's own text is marked"
    );

    let shot = artefacts().join("story-side-by-side.png");
    let _ = std::fs::remove_file(&shot);
    browse(
        &browser,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2200",
        ],
        &url,
    );
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real picture ({} bytes)",
        png.len()
    );
    let phone = artefacts().join("story-phone.png");
    browse(
        &browser,
        profile.path(),
        &[
            &format!("--screenshot={}", phone.display()),
            "--window-size=390,1600",
        ],
        &url,
    );
    eprintln!("screenshots: {} and {}", shot.display(), phone.display());
}
