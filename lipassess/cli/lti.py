"""``lipassess lti``: register Moodle as an LTI 1.3 platform, manage the tool's keys, send scores."""

from __future__ import annotations

import click

from lipassess.cli import EXIT_JOB_FAILED
from lipassess.cli.context import cli_app, transaction
from lipassess.errors import JobFailed
from lipassess.services import lti as lti_service
from lipassess.services import lti_setup
from lipassess.store.types import utcnow


@click.group("lti", help="LTI 1.3: platform registrations, tool keys, completion scores.")
def lti_group() -> None:
    """LTI commands."""


@lti_group.command("add-platform", help=(
    "Register a Moodle site (or update its registration): copy the values Moodle shows in the tool's "
    "configuration details. Safe to run again; deployment ids are added, never removed."))
@click.option("--issuer", required=True, help="Platform ID (issuer): the Moodle site URL, e.g. https://moodle.example.gov.kh")
@click.option("--client-id", required=True, help="Client ID shown by Moodle for the tool.")
@click.option("--deployment-id", "deployment_ids", required=True, multiple=True,
              help="Deployment ID shown by Moodle (repeat for several).")
@click.option("--auth-url", required=True, help="Authentication request URL (…/mod/lti/auth.php).")
@click.option("--token-url", required=True, help="Access token URL (…/mod/lti/token.php).")
@click.option("--jwks-url", required=True, help="Public keyset URL (…/mod/lti/certs.php).")
@click.option("--name", default=None, help="A label for this platform.")
def add_platform(issuer: str, client_id: str, deployment_ids: tuple[str, ...], auth_url: str, token_url: str,
                 jwks_url: str, name: str | None) -> None:
    with transaction() as session:
        platform, created = lti_service.add_platform(
            session, issuer=issuer, client_id=client_id, deployment_ids=deployment_ids, auth_login_url=auth_url,
            token_url=token_url, jwks_url=jwks_url, name=name)
        deployments = ", ".join(d.deployment_id for d in platform.deployments)
        lti_service.ensure_tool_key(session)
    click.echo(f"{'registered' if created else 'updated'} {platform.issuer} client {platform.client_id} "
               f"(deployments: {deployments})")


@lti_group.command("list", help="Show the registered platforms, the tool's keys and URLs, and the score queue.")
def list_platforms() -> None:
    base = str(cli_app().config["BASE_URL"]).rstrip("/")
    with transaction() as session:
        platforms = lti_service.list_platforms(session)
        keys = lti_service.tool_keys(session)
        counts = lti_service.outbox_counts(session)
        click.echo("tool URLs (for Moodle's manual registration):")
        click.echo(f"  tool URL / redirection URI: {base}/lti/launch")
        click.echo(f"  initiate login URL:         {base}/lti/login")
        click.echo(f"  public keyset URL:          {base}/lti/jwks")
        click.echo(f"  dynamic registration URL:   {base}/lti/register")
        if not platforms:
            click.echo("no platform registered; run 'lipassess lti add-platform' or use dynamic registration")
        for platform in platforms:
            deployments = ", ".join(d.deployment_id for d in platform.deployments)
            click.echo(f"platform {platform.issuer} client {platform.client_id} deployments {deployments}")
            click.echo(f"  auth {platform.auth_login_url}")
            click.echo(f"  token {platform.token_url}")
            click.echo(f"  jwks {platform.jwks_url}")
        for key in sorted(keys, key=lambda k: k.created_at, reverse=True):
            state = "active" if key.active else "retired"
            click.echo(f"key {key.kid} created {key.created_at:%Y-%m-%d %H:%M} UTC {state}")
        click.echo(f"scores: {counts['pending']} pending, {counts['sent']} sent, {counts['failed']} failed")


@lti_group.command("rotate-key", help=(
    "Create a new signing key. The newest --keep keys stay published (so platforms that cached the "
    "old set still verify); older keys are retired."))
@click.option("--keep", default=lti_service.DEFAULT_KEYS_KEPT, show_default=True, type=int,
              help="How many keys stay active, the new one included.")
def rotate_key(keep: int) -> None:
    with transaction() as session:
        key, retired = lti_service.rotate_tool_key(session, keep=keep)
    click.echo(f"new signing key {key.kid}" + (f"; retired {', '.join(retired)}" if retired else ""))


@lti_group.command("reencrypt-keys", help=(
    "Re-encrypt every stored LTI tool key with the current secret (LIPASSESS_KEY_ENCRYPTION_KEY, else "
    "LIPASSESS_SECRET_KEY). Run it after changing that secret, with the old value in "
    "LIPASSESS_PREVIOUS_SECRET_KEYS; then the old value can be removed. Also encrypts keys stored as plain PEM."))
def reencrypt_keys() -> None:
    with transaction() as session:
        total, rewritten = lti_setup.reencrypt_tool_keys(session)
    click.echo(f"{rewritten} of {total} LTI tool keys re-encrypted with the current secret")


@lti_group.command("send-scores", help="Send queued completions to the Moodle gradebook (also done by dispatch). "
                                      f"Exits {EXIT_JOB_FAILED} if any score could not be sent this run.")
@click.option("--retry-failed", is_flag=True, help="First put scores that failed for good back in the queue.")
def send_scores(retry_failed: bool) -> None:
    with transaction() as session:
        requeued = lti_service.requeue_failed(session) if retry_failed else 0
        report = lti_service.send_pending_scores(session, utcnow())
    if retry_failed:
        click.echo(f"requeued {requeued} failed score(s)")
    click.echo(report.summary())
    problem = report.problem()
    if problem is not None:
        raise JobFailed(problem)  # after the commit: what was sent stays recorded
