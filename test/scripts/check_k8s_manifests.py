#!/usr/bin/env python3
"""Checks scripts/k8s/ (CTest: scripts/k8s-manifests): the YAML parses, and the fields that make a
campaign survive Kubernetes are there — one Indexed Job whose pods all run the same
create-if-absent + work command from a mounted campaign file, DATABASE_URL from a Secret,
/dev/shm as an in-memory emptyDir, memory from the measured footprint, a grace period above the
drain time, Prometheus scrape annotations matching --metrics-addr; and the retention CronJob
archives to a PersistentVolumeClaim before removing rows, one run at a time. --self-test breaks each rule in
a copy and asserts the checker notices (so this test can fail). Needs python3-yaml."""
import copy
import csv
import json
import os
import re
import sys

import yaml

DRAIN_S_DEFAULT = 20  # footfall run/worker --drain-s (engine/campaign_runner.hpp)
EXIT_MARGIN_S = 3     # browsers closing and the process exiting after the drain


def mib(q):
    """A Kubernetes memory quantity in MiB."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(q))
    if not m:
        raise ValueError(f"not a memory quantity: {q}")
    n, unit = float(m.group(1)), m.group(2) or ""
    scale = {"": 1 / 2**20, "Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 2**20,
             "k": 1e3 / 2**20, "M": 1e6 / 2**20, "G": 1e9 / 2**20, "T": 1e12 / 2**20}[unit]
    return n * scale


def flag(args, name):
    return args[args.index(name) + 1] if name in args else None


def needed_mib(measured, contexts):
    """Peak PSS for `contexts` from the measured table (linear between/after measured points)."""
    pts = sorted((int(r["contexts"]), float(r["peak_pss_mib"])) for r in measured)
    for (c0, m0), (c1, m1) in zip(pts, pts[1:]):
        if c0 <= contexts <= c1:
            return m0 + (m1 - m0) * (contexts - c0) / (c1 - c0)
    if len(pts) >= 2:
        (c0, m0), (c1, m1) = pts[-2], pts[-1]
        return m1 + (m1 - m0) / (c1 - c0) * (contexts - c1)
    return pts[-1][1] * contexts


def check_retention(by_kind):
    """The retention CronJob (retention-cronjob.yaml): archives to a persistent volume first."""
    errors = []

    def need(ok, what):
        if not ok:
            errors.append(what)
        return ok

    crons = by_kind.get("CronJob", [])
    if not need(len(crons) == 1, "exactly one CronJob (retention)"):
        return errors
    cron = crons[0]["spec"]
    need(cron.get("concurrencyPolicy") == "Forbid", "retention runs never overlap (concurrencyPolicy Forbid)")
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    need(pod.get("restartPolicy") in ("OnFailure", "Never"), "retention: restartPolicy OnFailure or Never")
    need(pod.get("securityContext", {}).get("runAsNonRoot") is True, "retention runs as non-root")
    c = pod["containers"][0]
    args = [str(a) for a in c.get("args", [])]
    need(args[:3] == ["db", "retention", "--apply"], "the CronJob runs `db retention --apply`")
    archive = flag(args, "--archive")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    claims = {p["metadata"]["name"] for p in by_kind.get("PersistentVolumeClaim", [])}
    mounted = [m for m in c.get("volumeMounts", [])
               if archive and (archive + "/").startswith(m["mountPath"].rstrip("/") + "/")]
    claim = volumes.get(mounted[0]["name"], {}).get("persistentVolumeClaim", {}).get("claimName") \
        if mounted else None
    need(need(archive is not None, "retention archives (--archive DIR)") and claim in claims,
         "--archive DIR is on a mounted PersistentVolumeClaim the manifests define")
    ref = {e["name"]: e for e in c.get("env", [])}.get("DATABASE_URL", {}).get("valueFrom", {})
    need("secretKeyRef" in ref, "retention: DATABASE_URL from a Secret key")
    return errors


def check(docs, measured):
    """The list of broken rules (empty: all good)."""
    errors = []

    def need(ok, what):
        if not ok:
            errors.append(what)
        return ok

    by_kind = {}
    for d in docs:
        if not need(isinstance(d, dict) and {"apiVersion", "kind", "metadata"} <= set(d),
                    "every document has apiVersion, kind and metadata"):
            continue
        by_kind.setdefault(d["kind"], []).append(d)
    errors += check_retention(by_kind)
    jobs = by_kind.get("Job", [])
    if not need(len(jobs) == 1, "exactly one Job"):
        return errors
    job = jobs[0]["spec"]
    need(job.get("completionMode") == "Indexed", "the Job is Indexed")
    need(job.get("completions", 0) >= 2 and job.get("parallelism") == job.get("completions"),
         "completions == parallelism >= 2 (N pods, one campaign)")
    need(job.get("backoffLimit", 0) >= 1, "backoffLimit >= 1 (a failed pod is retried)")
    pod = job["template"]["spec"]
    meta = job["template"].get("metadata", {})
    need(pod.get("restartPolicy") in ("OnFailure", "Never"), "restartPolicy OnFailure or Never")
    sc = pod.get("securityContext", {})
    need(sc.get("runAsNonRoot") is True, "pods run as non-root")
    containers = pod.get("containers", [])
    if not need(len(containers) == 1, "one container per pod"):
        return errors
    c = containers[0]
    args = [str(a) for a in c.get("args", [])]
    need(args[:2] == ["worker", "--campaign-file"],
         "every pod runs `worker --campaign-file FILE` (create-if-absent + work)")
    need(not any(re.fullmatch(r"[0-9a-f-]{36}", a) for a in args), "no campaign id copied by hand")

    # The campaign file comes from a ConfigMap volume that has it.
    campaign = None
    path = flag(args, "--campaign-file") or ""
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = c.get("volumeMounts", [])
    for m in mounts:
        if path.startswith(m["mountPath"].rstrip("/") + "/"):
            cm_name = volumes.get(m["name"], {}).get("configMap", {}).get("name")
            key = path[len(m["mountPath"].rstrip("/")) + 1:]
            for cm in by_kind.get("ConfigMap", []):
                if cm["metadata"]["name"] == cm_name and key in cm.get("data", {}):
                    campaign = json.loads(cm["data"][key])
    if need(campaign is not None, "--campaign-file is a key of a mounted ConfigMap"):
        need({"name", "target_url", "total_sessions", "concurrent_sessions"} <= set(campaign),
             "the campaign file names name, target_url, total_sessions, concurrent_sessions")

    # DATABASE_URL from a Secret that exists (as an example) with that key.
    env = {e["name"]: e for e in c.get("env", [])}
    ref = env.get("DATABASE_URL", {}).get("valueFrom", {}).get("secretKeyRef", {})
    secrets = {s["metadata"]["name"]: s for s in by_kind.get("Secret", [])}
    need(ref.get("name") in secrets and
         ref.get("key") in {**secrets.get(ref.get("name"), {}).get("stringData", {}),
                            **secrets.get(ref.get("name"), {}).get("data", {})},
         "DATABASE_URL comes from a Secret key (secretKeyRef) that the Secret defines")
    need("value" not in env.get("DATABASE_URL", {}), "DATABASE_URL is not written in the Job")

    # /dev/shm: an in-memory emptyDir, big enough for Chromium.
    shm = [m for m in mounts if m["mountPath"] == "/dev/shm"]
    shm_vol = volumes.get(shm[0]["name"], {}).get("emptyDir") if shm else None
    shm_mib = mib(shm_vol.get("sizeLimit", "0")) if shm_vol else 0
    need(shm_vol is not None and shm_vol.get("medium") == "Memory" and shm_mib >= 256,
         "/dev/shm is an emptyDir with medium Memory and sizeLimit >= 256Mi")

    # Memory from the measured footprint of the pod's browsers x contexts.
    res = c.get("resources", {})
    browsers = int(flag(args, "--browsers") or 1)
    contexts = int(flag(args, "--contexts-per-browser") or 4)
    req = mib(res.get("requests", {}).get("memory", "0"))
    lim = mib(res.get("limits", {}).get("memory", "0"))
    need_mib = needed_mib(measured, contexts) * browsers
    need(req >= need_mib, f"requests.memory ({req:.0f} MiB) >= measured peak PSS for "
                          f"{browsers}x{contexts} contexts ({need_mib:.0f} MiB)")
    need(lim >= req + shm_mib / 2,
         f"limits.memory ({lim:.0f} MiB) >= requests + half the in-memory /dev/shm ({shm_mib:.0f})")
    need(res.get("requests", {}).get("cpu") is not None, "a CPU request")
    if campaign:
        pods = job.get("parallelism", 1)
        need(pods * browsers * contexts <= campaign["concurrent_sessions"],
             "the pods' contexts fit the campaign's concurrent_sessions (no idle browsers)")

    # Grace period above the drain: --drain-s bounds the sessions and the writer's spool together
    # (issue 23), then the last scrape (--metrics-linger), then the exit.
    grace = pod.get("terminationGracePeriodSeconds", 30)
    drain = float(flag(args, "--drain-s") or DRAIN_S_DEFAULT) + \
        int(flag(args, "--metrics-linger") or 0) + EXIT_MARGIN_S
    need(grace > drain, f"terminationGracePeriodSeconds ({grace}) > drain time ({drain:g} s)")

    # Prometheus finds /metrics where --metrics-addr serves it.
    addr = flag(args, "--metrics-addr")
    port = addr.rsplit(":", 1)[1] if addr and ":" in addr else None
    ann = meta.get("annotations", {})
    monitors = by_kind.get("PodMonitor", [])
    ports = {str(p.get("containerPort")) for p in c.get("ports", [])}
    need(port is not None and not addr.startswith("127."),
         "--metrics-addr listens on all interfaces (0.0.0.0:PORT)")
    need((ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == port and
          ann.get("prometheus.io/path", "/metrics") == "/metrics") or bool(monitors),
         "Prometheus scrape annotations (or a PodMonitor) point at --metrics-addr's port")
    need(port in ports, "the metrics port is a declared containerPort")
    probes = [c.get("livenessProbe", {}).get("httpGet", {}).get("path"),
              c.get("readinessProbe", {}).get("httpGet", {}).get("path")]
    need(probes == ["/healthz", "/readyz"], "liveness on /healthz, readiness on /readyz")
    return errors


def breakages():
    """(what, mutate) pairs: each must make check() report something."""
    def job(d):
        return next(x for x in d if x.get("kind") == "Job")

    def pod(d):
        return job(d)["spec"]["template"]["spec"]

    def ctr(d):
        return pod(d)["containers"][0]

    def drop_shm(d):
        ctr(d)["volumeMounts"] = [m for m in ctr(d)["volumeMounts"] if m["mountPath"] != "/dev/shm"]

    def cron(d):
        return next(x for x in d if x.get("kind") == "CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]

    def archive_on_empty_dir(d):
        cron(d)["volumes"] = [{"name": "archive", "emptyDir": {}}]

    return [
        ("retention without --archive", lambda d: cron(d)["containers"][0].__setitem__("args", ["db", "retention", "--apply"])),
        ("archive on an emptyDir", archive_on_empty_dir),
        ("overlapping retention", lambda d: next(x for x in d if x.get("kind") == "CronJob")["spec"].pop("concurrencyPolicy")),
        ("not Indexed", lambda d: job(d)["spec"].pop("completionMode")),
        ("campaign id in args", lambda d: ctr(d).__setitem__("args", ["worker", "0190f3a2-0000-7000-8000-000000000000"])),
        ("no /dev/shm", drop_shm),
        ("shm on disk", lambda d: next(v for v in pod(d)["volumes"] if "emptyDir" in v)["emptyDir"].pop("medium")),
        ("small memory", lambda d: ctr(d)["resources"]["requests"].__setitem__("memory", "128Mi")),
        ("short grace", lambda d: pod(d).__setitem__("terminationGracePeriodSeconds", 20)),
        ("long drain", lambda d: ctr(d)["args"].__setitem__(ctr(d)["args"].index("--drain-s") + 1, "60")),
        ("literal url", lambda d: ctr(d).__setitem__("env", [{"name": "DATABASE_URL", "value": "postgresql://x"}])),
        ("no scrape", lambda d: job(d)["spec"]["template"]["metadata"].pop("annotations")),
        ("root", lambda d: pod(d)["securityContext"].pop("runAsNonRoot")),
    ]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else \
        os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "k8s")
    docs = []
    for name in sorted(os.listdir(folder)):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name)) as f:
                docs += [d for d in yaml.safe_load_all(f) if d is not None]
    with open(os.path.join(folder, "measured-memory.tsv")) as f:
        measured = list(csv.DictReader(f, delimiter="\t"))
    errors = check(docs, measured)
    for e in errors:
        print("FAIL  " + e)
    if "--self-test" in sys.argv:
        for what, mutate in breakages():
            broken = copy.deepcopy(docs)
            mutate(broken)
            caught = check(broken, measured)
            print(("ok    " if caught else "FAIL  ") + f"self-test '{what}' caught: {caught[:1]}")
            if not caught:
                errors.append(f"self-test {what} not caught")
    print(f"k8s manifests: {len(docs)} documents, " +
          ("all checks pass" if not errors else f"{len(errors)} problem(s)"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
