"""`digest deploy`: the built site to a folder, an rsync host, a git branch or S3, changes only."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from digest.commands.common import Commands, Ending, command_parser, waiting
from digest.config.load import load_config
from digest.write.lock import site_locked

if TYPE_CHECKING:
    from digest.deploy.run import Deployed

# the target, not the output, is what changed; removals come last, so it is never half a site
ENDING = Ending(
    failed="deploy failed; the target still serves a complete site (removals come last) — "
    "fix the above and run digest deploy again to finish",
    interrupted="interrupted; the target still serves a complete site — run digest deploy again to finish",
)


def add_parser(commands: Commands) -> None:
    """`digest deploy [TARGET] [--dry-run]`."""
    d = command_parser(
        commands,
        "deploy",
        summary="publish the built site: to a folder, an rsync host, a git branch or S3",
        description="Upload what changed in the output folder since the last deploy to TARGET: new files "
        "and assets first, then pages, then the home page, feeds and sitemap, deletions last.",
        epilog="examples:\n  digest build && digest deploy www\n"
        "  digest deploy s3://my-bucket/digest/ --dry-run\n  digest deploy git+origin#gh-pages\n"
        "  digest deploy deploy@web1.example.org:/var/www/digest/",
    )
    d.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="a name under `deploy:` in site.yml (default: the only one), or an address: ./DIR, "
        "user@host:path, git+REMOTE#BRANCH, s3://bucket/prefix",
    )
    d.add_argument(
        "--dry-run", action="store_true", help="print the plan (uploads, deletions, bytes); change nothing"
    )
    d.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="the built folder to deploy (default: output_dir in site.yml)",
    )
    d.set_defaults(handler=run, ending=ENDING)


def run(args: argparse.Namespace) -> int:
    """Deploy under the site's lock, so no build swaps the output while it is read."""
    from digest.deploy.run import choose_target, deploy

    config = load_config(args.config)
    chosen = choose_target(config, args.target, args.config)
    output = (args.output or config.output_path).resolve()
    with site_locked(config.root, waiting):
        done = deploy(config, chosen, output, args.config, dry_run=args.dry_run)
    _print_deployed(done, dry_run=args.dry_run)
    return 0


def _print_deployed(done: Deployed, *, dry_run: bool) -> None:
    """The plan (dry run) or what was done, and the URL paths a CDN should forget."""
    plan, target = done.plan, done.target
    name = target.url if target.name == target.url else f"{target.name} ({target.url})"
    if dry_run:
        for local in plan.uploads:
            print(f"upload  {local.path} ({local.size:,} bytes)")
        for path in plan.deletions:
            print(f"delete  {path}")
        print(
            f"dry run: {len(plan.uploads)} upload(s), {_size(plan.bytes)}, and {len(plan.deletions)} "
            f"deletion(s) to {name}; nothing was changed"
        )
        return
    if not (plan.uploads or plan.deletions):
        print(f"{name} is up to date: nothing to upload or delete")
        return
    print(
        f"deployed to {name}: {len(plan.uploads)} file(s) uploaded, {_size(plan.bytes)}, "
        f"{len(plan.deletions)} deleted, in {done.seconds:.2f} s"
    )
    if done.changed:
        print("changed paths (for a CDN invalidation):")
        for url in done.changed:
            print(f"  {url}")


def _size(count: int) -> str:
    """Bytes as a person reads them: exact when small, in MB from 100 kB."""
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{count:,} bytes"
