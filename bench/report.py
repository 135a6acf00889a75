#!/usr/bin/env python3
"""Turns the benchmark's raw JSON into a table: medians over the runs, ratios, fidelity, targets.

Usage: report.py RESULTS.json   (bench.py prints the same table at the end of a run)
"""
import json
import statistics
import sys

PASSES = [("full", "full copy"), ("no_change", "no-change re-run"), ("incremental", "1 % incremental")]


def medians(document):
    """{tool: {pass: median seconds}}, the same of the tool's and the servers' CPU seconds, and
    {tool: largest peak RSS in KiB}; failed passes are left out."""
    seconds, cpu, server_cpu, rss = {}, {}, {}, {}
    for run in document["runs"]:
        for result in run["results"]:
            tool = result["tool"]
            for name, entry in result["passes"].items():
                if entry["failures"]:
                    continue
                seconds.setdefault(tool, {}).setdefault(name, []).append(entry["seconds"])
                if "cpu_seconds" in entry:
                    cpu.setdefault(tool, {}).setdefault(name, []).append(entry["cpu_seconds"])
                if "server_cpu_seconds" in entry:
                    server_cpu.setdefault(tool, {}).setdefault(name, []).append(sum(entry["server_cpu_seconds"].values()))
                rss[tool] = max(rss.get(tool, 0), entry["peak_rss_kib"])
    def median_of(table):
        return {tool: {name: statistics.median(values) for name, values in passes.items()} for tool, passes in table.items()}
    return median_of(seconds), median_of(cpu), median_of(server_cpu), rss


def fidelity_of(document):
    """{tool: (faithful in every checked run, summed counts)}."""
    found = {}
    for run in document["runs"]:
        for result in run["results"]:
            check = result.get("fidelity")
            if check is None:
                continue
            faithful, total = found.get(result["tool"], (True, {}))
            for key in ("messages", "missing", "extra", "flags", "dates", "altered"):
                total[key] = total.get(key, 0) + check.get(key, 0)
            total["altered_bytes"] = sorted(set(total.get("altered_bytes", [])) | set(check.get("altered_bytes", [])))
            found[result["tool"]] = (faithful and check["faithful"], total)
    return found


def volume(document, name):
    """(messages, bytes) a pass moves."""
    if name == "full":
        return document["corpus"]["messages"], document["corpus"]["bytes"]
    if name == "incremental":
        return document["new_mail"]["messages"], document["new_mail"]["bytes"]
    return 0, 0


def render(document):
    times, cpu, server_cpu, rss = medians(document)
    tools = list(times)
    lines = ["Corpus: %d messages, %.0f MB in %d mailboxes; new mail %d messages (%.1f MB); %d run(s), medians."
             % (document["corpus"]["messages"], document["corpus"]["bytes"] / 1e6, len(document["users"]),
                document["new_mail"]["messages"], document["new_mail"]["bytes"] / 1e6, len(document["runs"])), ""]
    link = document.get("link")
    if link:
        carried = link.get("delay_lines", {})
        line_cpu = sum(line.get("cpu_seconds", 0) for line in carried.values())
        moved = sum(line.get("bytes", 0) for line in carried.values())
        lines[-1:] = ["Link: every tool through a delay line of %g ms RTT%s%s in front of each server (doveadm backup runs on "
                      "the target, so only its source side crosses it); the delay lines carried %.0f MB with %.1f s CPU in all."
                      % (link["rtt_ms"], ", jitter up to %g ms" % link["jitter_ms"] if link.get("jitter_ms") else "",
                         ", %g Mbit/s" % link["rate_mbit"] if link.get("rate_mbit") else "", moved / 1e6, line_cpu), ""]
    lines.append("| tool | pass | wall s | tool CPU s | servers CPU s | msg/s | MB/s | mailmig/tool time |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for tool in tools:
        for name, label in PASSES:
            if name not in times[tool]:
                continue
            seconds = times[tool][name]
            messages, size = volume(document, name)
            rate = "%.0f" % (messages / seconds) if messages and seconds else "-"
            speed = "%.1f" % (size / 1e6 / seconds) if size and seconds else "-"
            mine = times.get("mailmig", {}).get(name)
            ratio = "%.2f" % (mine / seconds) if mine and seconds and tool != "mailmig" else "-"
            used = cpu.get(tool, {}).get(name)
            served = server_cpu.get(tool, {}).get(name)
            lines.append("| %s | %s | %.2f | %s | %s | %s | %s | %s |"
                         % (tool, label, seconds, "%.2f" % used if used is not None else "-",
                            "%.2f" % served if served is not None else "-", rate, speed, ratio))
    lines.append("")
    lines.append("Peak RSS of mailmig over all passes: %.1f MB" % (rss.get("mailmig", 0) / 1024))
    lines.append("")
    for tool, (faithful, total) in fidelity_of(document).items():
        lines.append("Fidelity %s: %s (%d messages checked; bodies not on the target %d, of which altered %d%s; extra %d; "
                     "flags differ %d; internal dates differ %d)"
                     % (tool, "faithful" if faithful else "NOT faithful", total["messages"], total["missing"],
                        total["altered"], " (size change %s bytes)" % ",".join("%+d" % size for size in total["altered_bytes"])
                        if total["altered_bytes"] else "", total["extra"], total["flags"], total["dates"]))
    failures = [(run["run"], result["tool"], failure) for run in document["runs"] for result in run["results"]
                for failure in result["failures"]]
    for number, tool, failure in failures:
        lines.append("FAILURE run %d %s: %s" % (number, tool, failure))
    lines.append("")
    lines.extend(targets(document, times))
    return "\n".join(lines)


def targets(document, times):
    """One line per target with its verdict."""
    mine = times.get("mailmig", {})
    faithful = fidelity_of(document).get("mailmig", (None, {}))[0]
    lines = []

    def verdict(name, value, holds):
        lines.append("Target %s: %s -> %s" % (name, value, "holds" if holds else "MISSED"))

    if "doveadm" in times and "full" in mine:
        ratio = times["doveadm"]["full"] / mine["full"]
        verdict("full copy >= 1.2x doveadm backup throughput, faithful",
                "%.2fx, %s" % (ratio, "faithful" if faithful else "not faithful or unchecked"),
                ratio >= 1.2 and bool(faithful))
    if "mbsync" in times and "no_change" in mine:
        ratio = mine["no_change"] / times["mbsync"]["no_change"]
        verdict("no-change re-run <= 0.5x mbsync", "%.2fx" % ratio, ratio <= 0.5)
    if "mbsync" in times and "incremental" in mine:
        ratio = mine["incremental"] / times["mbsync"]["incremental"]
        verdict("1 % incremental <= mbsync", "%.2fx" % ratio, ratio <= 1.0)
    return lines


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(render(json.load(handle)))
