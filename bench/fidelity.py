"""Compares one user's source and target dumps (dump.py JSON): bodies, flags and internal dates.

A source folder's messages are expected in the target folder of the same name; when that folder
is missing or empty on the target and the source folder has a SPECIAL-USE role, in the target
folder with that role (a tool that maps "Sent Messages" to the target's \\Sent folder is faithful).
Per target folder, the multiset of (SHA-256, size) of the source messages must equal the target's;
for the bodies found on both sides, the flags and internal dates must match too. A source message
whose bytes are not on the target but a target message with the same internal date is counted as
"altered" (with the size difference), and its flags are compared with that message's.
"""
from collections import Counter, defaultdict


def target_folder(path, folder, target):
    """The target folder a source folder's messages are expected in, or None."""
    if target.get(path, {}).get("messages"):
        return path
    role = folder.get("special_use")
    if role:
        for name, candidate in sorted(target.items()):
            if candidate.get("special_use") == role and candidate.get("messages"):
                return name
    return path if path in target else None


def compare(source, target):
    """A dict of counts: messages, missing, extra, flags and dates that differ, folders missing."""
    source_folders, target_folders = source["folders"], target["folders"]
    expected = defaultdict(list)
    result = {"messages": 0, "missing": 0, "extra": 0, "flags": 0, "dates": 0, "folders_missing": [],
              "altered": 0, "altered_bytes": set()}
    for path, folder in source_folders.items():
        if not folder["messages"]:
            continue
        destination = target_folder(path, folder, target_folders)
        if destination is None:
            result["folders_missing"].append(path)
            result["missing"] += len(folder["messages"])
            result["messages"] += len(folder["messages"])
            continue
        expected[destination].extend(folder["messages"])
    for name, folder in target_folders.items():
        if folder["messages"] and name not in expected:
            result["extra"] += len(folder["messages"])
    for name, wanted in expected.items():
        found = target_folders[name]["messages"]
        result["messages"] += len(wanted)
        body = lambda message: (message["sha256"], message["size"])  # noqa: E731
        wanted_bodies, found_bodies = Counter(map(body, wanted)), Counter(map(body, found))
        result["missing"] += sum((wanted_bodies - found_bodies).values())
        result["extra"] += sum((found_bodies - wanted_bodies).values())
        by_body = defaultdict(lambda: ([], []))
        for message in wanted:
            by_body[body(message)][0].append(message)
        for message in found:
            by_body[body(message)][1].append(message)
        unmatched_left, unmatched_right = [], []
        for left, right in by_body.values():
            pairs = min(len(left), len(right))
            unmatched_left.extend(left[pairs:])
            unmatched_right.extend(right[pairs:])
            flags_left = sorted(tuple(message["flags"]) for message in left)
            flags_right = sorted(tuple(message["flags"]) for message in right)
            result["flags"] += sum(1 for index in range(pairs) if flags_left[index] != flags_right[index])
            dates_left = sorted(message["internal_date"] or 0 for message in left)
            dates_right = sorted(message["internal_date"] or 0 for message in right)
            result["dates"] += sum(1 for index in range(pairs) if dates_left[index] != dates_right[index])
        # Bodies that changed in transit: paired by internal date, so that their flags are still compared.
        by_date = defaultdict(list)
        for message in unmatched_right:
            by_date[message["internal_date"]].append(message)
        for message in unmatched_left:
            candidates = by_date.get(message["internal_date"])
            if candidates:
                other = candidates.pop()
                result["altered"] += 1
                result["altered_bytes"].add(other["size"] - message["size"])
                result["flags"] += sorted(message["flags"]) != sorted(other["flags"])
    result["altered_bytes"] = sorted(result["altered_bytes"])
    return result


def faithful(result):
    """True when every message arrived with its exact bytes, flags and internal date."""
    return not (result["missing"] or result["extra"] or result["flags"] or result["dates"]
                or result["folders_missing"])


def combine(results):
    """The sum of several users' comparison results."""
    total = {"messages": 0, "missing": 0, "extra": 0, "flags": 0, "dates": 0, "altered": 0,
             "folders_missing": [], "altered_bytes": []}
    for result in results:
        for key in ("messages", "missing", "extra", "flags", "dates", "altered"):
            total[key] += result[key]
        total["folders_missing"].extend(result["folders_missing"])
        total["altered_bytes"] = sorted(set(total["altered_bytes"]) | set(result["altered_bytes"]))
    total["faithful"] = faithful(total)
    return total
