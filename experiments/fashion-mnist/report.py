"""Collect the runs of run.sh into results.csv, results.md and plot.png.

usage: report.py OUT_DIR NET...   (NET = baseline, rho-0.3, paper-rho-0.3, ...; order kept)
A net whose JSON equals an earlier net's (the same design for two rho_0) shares
that net's runs; the table says so.  The designs come in series, named by
prefix (SERIES): rho-R the study's basic-block designs, paper-rho-R the
bottleneck designs in the paper's search space; the table and the plot show
every series given.
"""
import csv
import glob
import json
import os
import statistics
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402


# prefix of the net's name -> (series column, the plot's label; SERIES_LABEL
# renames the study's own series, as it always did).  Longest prefix first.
SERIES = [
    ("paper-rho-", "paper space", "DeepMAD design, paper space (ResK1KXK1 bottlenecks)"),
    ("rho-", "basic", None),
]


def series_of(net):
    """(series name, rho_0 text) of a net; ("baseline", "") for the baseline."""
    for prefix, name, _ in SERIES:
        if net.startswith(prefix):
            return name, net[len(prefix):]
    return "baseline", ""


def series_label(name):
    for _, n, label in SERIES:
        if n == name:
            return label or os.environ.get("SERIES_LABEL", "DeepMAD design")
    return name


def runs_of(out, net):
    rows = []
    for p in sorted(glob.glob(os.path.join(out, "runs", f"{net}-seed*.json"))):
        with open(p) as f:
            text = f.read().strip()
        if text:
            rows.append(json.loads(text.splitlines()[-1]))
    return rows


def collect(out, nets):
    table, first_of = [], {}
    for net in nets:
        with open(os.path.join(out, "designs", f"{net}.json"), "rb") as f:
            body = f.read()
        with open(os.path.join(out, "designs", f"{net}.metrics.json")) as f:
            m = json.load(f)
        same = first_of.setdefault(body, net)
        runs = runs_of(out, same)
        if not runs:
            sys.exit(f"report.py: no finished runs for {net}")
        recipes = {(r["epochs"], r["train_images"], r["test_images"], r.get("recipe")) for r in runs}
        if len(recipes) > 1:
            sys.exit(f"report.py: runs of {net} mix training recipes {sorted(map(str, recipes))}; "
                     "remove the stale runs/ files or rerun with FRESH=1")
        accs = [r["test_acc"] for r in runs]
        series, rho0 = series_of(net)
        table.append({
            "network": net, "series": series, "rho0": rho0, "same_as": "" if same == net else same,
            "rho": m["rho"], "entropy": m["entropy"], "objective": m["objective"], "layers": m["layers"],
            "params": m["params"], "macs": m["macs"], "seeds": len(runs),
            "acc_mean": statistics.mean(accs), "acc_std": statistics.stdev(accs) if len(accs) > 1 else 0.0,
            "acc_min": min(accs), "acc_max": max(accs),
            "train_s_mean": statistics.mean(r["train_seconds"] for r in runs),
            "epochs": runs[0]["epochs"], "train_images": runs[0]["train_images"],
            "test_images": runs[0]["test_images"], "by_seed": {r["seed"]: r["test_acc"] for r in runs}})
    add_paired(table)
    return table


def add_paired(table):
    """Accuracy minus the baseline's, seed by seed (same seed = same data order
    and augmentation), over the seeds both have: mean, min, max in points."""
    base = table[0]["by_seed"]
    for r in table:
        diffs = [100 * (a - base[s]) for s, a in r["by_seed"].items() if s in base]
        r["vs_base_mean"] = statistics.mean(diffs) if diffs else float("nan")
        r["vs_base_min"] = min(diffs) if diffs else float("nan")
        r["vs_base_max"] = max(diffs) if diffs else float("nan")


def write_csv(out, table):
    with open(os.path.join(out, "results.csv"), "w", newline="") as f:
        fields = [k for k in table[0] if k != "by_seed"]
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(table)


def paired(r):
    if r["network"] == "baseline":
        return "-"
    return f"{r['vs_base_mean']:+.2f} ({r['vs_base_min']:+.2f}..{r['vs_base_max']:+.2f})"


def write_md(out, table):
    t0 = table[0]
    lines = [f"Fashion-MNIST, {t0['epochs']} epochs on {t0['train_images']} training images, "
             f"tested on {t0['test_images']} test images; accuracy = mean over {t0['seeds']} seed(s), "
             "spread = min..max; vs baseline = accuracy minus the baseline's with the same seed, "
             "in points: mean (min..max). Written by report.py.", "",
             "| network | series | rho_0 | rho | entropy | layers | params | MACs | test acc mean | spread "
             "| vs baseline | train s/run |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in table:
        name = r["network"] + (f" (= {r['same_as']})" if r["same_as"] else "")
        lines.append(f"| {name} | {r['series']} | {r['rho0'] or '-'} | {r['rho']:.3f} | {r['entropy']:.0f} | {r['layers']} | "
                     f"{r['params']:,} | {r['macs']:,} | {100 * r['acc_mean']:.2f}% | "
                     f"{100 * r['acc_min']:.2f}..{100 * r['acc_max']:.2f} | {paired(r)} | "
                     f"{r['train_s_mean']:.0f} |")
    skipped = os.environ.get("INFEASIBLE", "").split()
    if skipped:   # run.sh: rho_0 values no design of that series reaches
        lines += ["", "Not designed (no design of the series reaches that rho_0 within the budget; "
                  "the solver's message is in designs/NAME.design.txt): " + ", ".join(skipped) + "."]
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def plot(out, table):
    base = table[0]
    fig, ax = plt.subplots(figsize=(6.4, 5.0))
    ax2 = ax.twinx()
    names = list(dict.fromkeys(r["series"] for r in table[1:]))
    colours = ["tab:blue", "tab:green", "tab:purple"]
    rhos = set()
    for i, name in enumerate(names):
        des = [r for r in table[1:] if r["series"] == name]
        x = [float(r["rho0"]) for r in des]
        rhos |= {(float(r["rho0"]), r["rho0"]) for r in des}
        c = colours[i % len(colours)]
        ax.errorbar(x, [100 * r["acc_mean"] for r in des],
                    yerr=[[100 * (r["acc_mean"] - r["acc_min"]) for r in des],
                          [100 * (r["acc_max"] - r["acc_mean"]) for r in des]],
                    fmt="o-", color=c, capsize=3, label=series_label(name) + ": test accuracy")
        ax2.plot(x, [r["entropy"] for r in des], "s:" if i == 0 else "^:", color="tab:gray",
                 label="entropy (multi-scale)" + (f", {name}" if len(names) > 1 else ""))
    ax.axhline(100 * base["acc_mean"], color="tab:red", ls="--",
               label=f"ResNet-20-style baseline (star at its rho {base['rho']:.2f}): {100 * base['acc_mean']:.2f}%")
    ax.axhspan(100 * base["acc_min"], 100 * base["acc_max"], color="tab:red", alpha=0.12)
    ax.errorbar([base["rho"]], [100 * base["acc_mean"]],
                yerr=[[100 * (base["acc_mean"] - base["acc_min"])], [100 * (base["acc_max"] - base["acc_mean"])]],
                fmt="*", ms=11, color="tab:red", capsize=3)
    ax.set_xscale("log")
    ticks = sorted(rhos)
    ax.set_xticks([t for t, _ in ticks])
    ax.set_xticklabels([label for _, label in ticks])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_xlabel("effectiveness limit rho_0")
    ax.set_ylabel("test accuracy (%)", color="tab:blue")
    ax2.set_ylabel("entropy", color="tab:gray")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8, ncol=1)
    ax.set_title(f"Fashion-MNIST, budget {base['macs'] / 1e6:.2f} M MACs / {base['params']:,} params, "
                 f"{base['epochs']} epochs on {base['train_images']:,} images, {base['seeds']} seeds", fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "plot.png"), dpi=120)


def main():
    out, nets = sys.argv[1], sys.argv[2:]
    table = collect(out, nets)
    write_csv(out, table)
    write_md(out, table)
    plot(out, table)
    print(open(os.path.join(out, "results.md")).read())


if __name__ == "__main__":
    main()
