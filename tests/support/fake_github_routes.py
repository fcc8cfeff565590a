"""The REST routes of the fake GitHub (see fake_github.py): GitHub's JSON shapes, trimmed."""

from __future__ import annotations

import re
from typing import Any

from tests.support.fake_github import API, HOST, FakeGitHub, Repo, b64, git

Result = tuple[int, Any]
NOT_FOUND: Result = (404, {"message": "Not Found"})


def _user(login: str, *, org: bool = False) -> dict[str, Any]:
    return {
        "login": login,
        "id": abs(hash(login)) % 10**6,
        "type": "Organization" if org else "User",
        "html_url": f"http://{HOST}/{login}",
        "url": f"{API}/users/{login}",
    }


def _repo_json(gh: FakeGitHub, repo: Repo) -> dict[str, Any]:
    return {
        "id": abs(hash(repo.full_name)) % 10**6,
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": _user(repo.owner, org=repo.owner in gh.orgs),
        "private": repo.private,
        "description": repo.description,
        "default_branch": repo.default_branch,
        "html_url": f"http://{HOST}/{repo.full_name}",
        "clone_url": f"http://{HOST}/{repo.full_name}.git",
        "language": "Python",
        "stargazers_count": 0,
        "forks_count": 0,
        "open_issues_count": 0,
        "updated_at": "2026-11-01T00:00:00Z",
        "created_at": "2026-01-01T00:00:00Z",
        "topics": [],
        "archived": False,
        "fork": False,
    }


def _search_repos(gh: FakeGitHub, login: str, query: dict[str, str]) -> Result:
    words = query.get("q", "").split()
    owners = [w.split(":", 1)[1].lower() for w in words if w.startswith(("user:", "org:"))]
    text = [w.lower() for w in words if ":" not in w]
    items = [
        _repo_json(gh, r)
        for r in gh.repos.values()
        if gh.visible(login, r)
        and (not owners or r.owner.lower() in owners)
        and all(t in r.name.lower() or t in r.description.lower() for t in text)
    ]
    items.sort(key=lambda i: i["full_name"])
    return 200, {"total_count": len(items), "incomplete_results": False, "items": items}


def _search_users(gh: FakeGitHub, login: str, query: dict[str, str]) -> Result:
    words = query.get("q", "").split()
    text = [w.lower() for w in words if ":" not in w]
    orgs_only = "type:org" in words
    names = [(o, True) for o in gh.orgs] + (
        [] if orgs_only else [(u, False) for u in gh.tokens.values()]
    )
    items = [_user(n, org=is_org) for n, is_org in names if all(t in n.lower() for t in text)]
    return 200, {"total_count": len(items), "incomplete_results": False, "items": items}


def _contents(gh: FakeGitHub, repo: Repo, path: str, ref: str | None) -> Result:
    ref = ref or repo.default_branch
    ref = ref.removeprefix("refs/heads/")
    sha = gh.branch_sha(repo, ref) or ref
    path = path.strip("/")
    try:
        kind = git(repo.path, "cat-file", "-t", f"{sha}:{path}" if path else f"{sha}^{{tree}}")
    except Exception:
        return NOT_FOUND
    if kind == "blob":
        blob = git(repo.path, "rev-parse", f"{sha}:{path}")
        raw = _blob_bytes(repo, blob)
        return 200, _content_json(repo, path, blob, len(raw), "file", raw, ref)
    listing = git(repo.path, "ls-tree", "-l", f"{sha}:{path}" if path else sha)
    items = []
    for line in listing.splitlines():
        meta, name = line.split("\t", 1)
        _mode, typ, blob, size = meta.split()
        full = f"{path}/{name}" if path else name
        items.append(
            _content_json(
                repo,
                full,
                blob,
                0 if size == "-" else int(size),
                "file" if typ == "blob" else "dir",
                None,
                ref,
            )
        )
    return 200, items


def _blob_bytes(repo: Repo, blob: str) -> bytes:
    import subprocess

    return subprocess.run(
        ["git", "--git-dir", str(repo.path), "cat-file", "blob", blob],
        capture_output=True,
        check=True,
    ).stdout


def _content_json(
    repo: Repo, path: str, sha: str, size: int, kind: str, raw: bytes | None, ref: str
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": kind,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "size": size,
        "url": f"{API}/repos/{repo.full_name}/contents/{path}?ref={ref}",
        "html_url": f"http://{HOST}/{repo.full_name}/blob/{ref}/{path}",
        "download_url": f"http://{HOST}/raw/{repo.full_name}/{ref}/{path}"
        if kind == "file"
        else None,
    }
    if raw is not None:
        out["content"] = b64(raw)
        out["encoding"] = "base64"
    return out


def _commit_json(repo: Repo, sha: str) -> dict[str, Any]:
    tree = git(repo.path, "rev-parse", f"{sha}^{{tree}}")
    parents = git(repo.path, "log", "-1", "--format=%P", sha).split()
    message = git(repo.path, "log", "-1", "--format=%B", sha)
    return {
        "sha": sha,
        "url": f"{API}/repos/{repo.full_name}/git/commits/{sha}",
        "html_url": f"http://{HOST}/{repo.full_name}/commit/{sha}",
        "message": message,
        "tree": {"sha": tree, "url": f"{API}/repos/{repo.full_name}/git/trees/{tree}"},
        "parents": [{"sha": p} for p in parents],
        "author": {
            "name": "AiXplore Bot",
            "email": "bot@aixplore.test",
            "date": "2026-11-22T00:00:00Z",
        },
        "committer": {
            "name": "AiXplore Bot",
            "email": "bot@aixplore.test",
            "date": "2026-11-22T00:00:00Z",
        },
    }


def _ref_json(repo: Repo, branch: str, sha: str) -> dict[str, Any]:
    return {
        "ref": f"refs/heads/{branch}",
        "url": f"{API}/repos/{repo.full_name}/git/refs/heads/{branch}",
        "object": {
            "sha": sha,
            "type": "commit",
            "url": f"{API}/repos/{repo.full_name}/git/commits/{sha}",
        },
    }


def _tree_json(gh: FakeGitHub, repo: Repo, ref: str, recursive: bool) -> Result:
    sha = gh.branch_sha(repo, ref) or ref
    args = ["ls-tree", "-l", *(["-r", "-t"] if recursive else []), sha]
    try:
        listing = git(repo.path, *args)
    except Exception:
        return NOT_FOUND
    tree = []
    for line in listing.splitlines():
        meta, name = line.split("\t", 1)
        mode, typ, blob, size = meta.split()
        entry: dict[str, Any] = {"path": name, "mode": mode, "type": typ, "sha": blob}
        if typ == "blob":
            entry["size"] = int(size)
        tree.append(entry)
    return 200, {"sha": sha, "tree": tree, "truncated": False}


def _pull_json(repo: Repo, pr: dict[str, Any]) -> dict[str, Any]:
    number = pr["number"]
    return {
        **pr,
        "url": f"{API}/repos/{repo.full_name}/pulls/{number}",
        "html_url": f"http://{HOST}/{repo.full_name}/pull/{number}",
        "head": {
            "ref": pr["head_ref"],
            "sha": pr["head_sha"],
            "label": f"{repo.owner}:{pr['head_ref']}",
        },
        "base": {"ref": pr["base_ref"], "label": f"{repo.owner}:{pr['base_ref']}"},
        "user": _user(pr["author"]),
    }


def dispatch(
    gh: FakeGitHub, login: str, method: str, path: str, query: dict[str, str], body: dict[str, Any]
) -> Result:
    """Answer one REST call as the user ``login``."""
    if path == "/user":
        return 200, {**_user(login), "name": login.title(), "public_repos": 1}
    if path == "/user/emails":
        return 200, gh.emails.get(login, [])
    if path == "/user/orgs":
        return 200, [_user(o, org=True) for o, members in gh.orgs.items() if login in members]
    if path == "/search/repositories":
        return _search_repos(gh, login, query)
    if path == "/search/users":
        return _search_users(gh, login, query)
    m = re.match(r"^/repos/([^/]+)/([^/]+)(/.*)?$", path)
    if not m:
        return NOT_FOUND
    repo = gh.repos.get(f"{m.group(1)}/{m.group(2)}".lower())
    if repo is None or not gh.visible(login, repo):
        return NOT_FOUND
    rest = m.group(3) or ""
    writable = repo.owner == login or login in gh.orgs.get(repo.owner, set())
    if method != "GET" and not writable:
        return 403, {"message": "Resource not accessible by personal access token"}
    return _repo_route(gh, login, repo, method, rest, query, body)


def _repo_route(
    gh: FakeGitHub,
    login: str,
    repo: Repo,
    method: str,
    rest: str,
    query: dict[str, str],
    body: dict[str, Any],
) -> Result:
    if rest == "" and method == "GET":
        return 200, _repo_json(gh, repo)
    if rest.startswith("/contents") and method == "GET":
        return _contents(gh, repo, rest.removeprefix("/contents"), query.get("ref"))
    if rest == "/branches":
        heads = git(
            repo.path, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"
        )
        return 200, [
            {"name": n, "commit": {"sha": s}, "protected": False}
            for n, s in (line.split() for line in heads.splitlines())
        ]
    m = re.match(r"^/git/refs?/heads/(.+)$", rest)
    if m and method == "GET":
        sha = gh.branch_sha(repo, m.group(1))
        return (200, _ref_json(repo, m.group(1), sha)) if sha else NOT_FOUND
    if rest == "/git/refs" and method == "POST":
        branch = str(body.get("ref", "")).removeprefix("refs/heads/")
        if gh.branch_sha(repo, branch):
            return 422, {"message": "Reference already exists"}
        git(repo.path, "update-ref", f"refs/heads/{branch}", body["sha"], "0" * 40)
        return 201, _ref_json(repo, branch, body["sha"])
    if m and method == "PATCH":
        branch = m.group(1)
        old = gh.branch_sha(repo, branch)
        if old is None:
            return 422, {"message": "Reference does not exist"}
        new = body["sha"]
        if not body.get("force") and git(repo.path, "merge-base", old, new) != old:
            return 422, {"message": "Update is not a fast forward"}
        git(repo.path, "update-ref", f"refs/heads/{branch}", new, old)
        return 200, _ref_json(repo, branch, new)
    m = re.match(r"^/git/commits/([0-9a-f]{40})$", rest)
    if m and method == "GET":
        return 200, _commit_json(repo, m.group(1))
    m = re.match(r"^/git/trees/([^/]+)$", rest)
    if m and method == "GET":
        return _tree_json(gh, repo, m.group(1), query.get("recursive") in {"1", "true"})
    if rest == "/git/trees" and method == "POST":
        sha = gh._tree(repo, body.get("base_tree"), body.get("tree", []))
        return 201, {"sha": sha, "url": f"{API}/repos/{repo.full_name}/git/trees/{sha}", "tree": []}
    if rest == "/git/commits" and method == "POST":
        parents = [a for p in body.get("parents", []) for a in ("-p", p)]
        sha = git(repo.path, "commit-tree", body["tree"], *parents, "-m", body.get("message", ""))
        return 201, _commit_json(repo, sha)
    if rest == "/commits" and method == "GET":
        sha = gh.branch_sha(repo, query.get("sha", repo.default_branch)) or query.get("sha", "")
        shas = git(repo.path, "rev-list", "--max-count=30", sha).split()
        return 200, [
            {
                "sha": s,
                "commit": _commit_json(repo, s),
                "html_url": f"http://{HOST}/{repo.full_name}/commit/{s}",
            }
            for s in shas
        ]
    m = re.match(r"^/commits/([^/]+)$", rest)
    if m and method == "GET":
        sha = gh.branch_sha(repo, m.group(1)) or m.group(1)
        commit = _commit_json(repo, sha)
        return 200, {
            "sha": sha,
            "commit": commit,
            "html_url": commit["html_url"],
            "parents": commit["parents"],
        }
    if rest == "/pulls" and method == "POST":
        return _open_pull(gh, login, repo, body)
    if rest == "/pulls" and method == "GET":
        state = query.get("state", "open")
        head = query.get("head", "")
        pulls = [
            _pull_json(repo, p)
            for p in repo.pulls
            if (state == "all" or p["state"] == state)
            and (not head or f"{repo.owner}:{p['head_ref']}" == head or p["head_ref"] == head)
        ]
        return 200, pulls
    m = re.match(r"^/pulls/(\d+)$", rest)
    if m and method == "GET":
        for p in repo.pulls:
            if p["number"] == int(m.group(1)):
                return 200, _pull_json(repo, p)
        return NOT_FOUND
    return NOT_FOUND


def _open_pull(gh: FakeGitHub, login: str, repo: Repo, body: dict[str, Any]) -> Result:
    head, base = str(body.get("head", "")), str(body.get("base", ""))
    head_sha = gh.branch_sha(repo, head.split(":")[-1])
    if head_sha is None or gh.branch_sha(repo, base) is None:
        return 422, {"message": "Validation Failed", "errors": [{"message": "branch not found"}]}
    if any(p["head_ref"] == head.split(":")[-1] and p["state"] == "open" for p in repo.pulls):
        return 422, {"message": f"A pull request already exists for {repo.owner}:{head}."}
    pr = {
        "number": len(repo.pulls) + 1,
        "id": len(repo.pulls) + 1000,
        "state": "open",
        "title": body.get("title", ""),
        "body": body.get("body", ""),
        "head_ref": head.split(":")[-1],
        "head_sha": head_sha,
        "base_ref": base,
        "author": login,
        "draft": bool(body.get("draft")),
        "merged": False,
        "created_at": "2026-11-22T00:00:00Z",
        "updated_at": "2026-11-22T00:00:00Z",
    }
    repo.pulls.append(pr)
    return 201, _pull_json(repo, pr)
