#!/usr/bin/env bash
# The decision from a run's bench CSVs: `convlab pick` on the first set (the
# network: plan and the time of one training step beside the best single
# algorithm and each baseline; the winners plot drawn from the plan by
# plot_winners.py, as pick writes data only), then the cost model scored on
# held-out sets: each set in turn is left out, the model is fitted on the
# others (`pick --fit`) and `pick --predict` chooses on the left-out set
# without looking at its times, scored against that set's measured oracle.
#
#   scripts/pick_and_cost_model.sh DIR NETWORK_SET OTHER_SET...
#
# Reads DIR/SET.csv (with .meta.json and raw .json); writes DIR/pick.md,
# DIR/NETWORK_SET.pick.txt, DIR/NETWORK_SET.plan.json, DIR/winners.png,
# DIR/cost_model.md and DIR/cost_model/ (the fitted models and the full
# printouts). Markdown sections, for summary.py --append. The plot needs
# matplotlib in PYTHON (default /usr/bin/python3, as run.sh); without it the
# script says so and goes on (the plan is the result, the plot a view of it).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
convlab="${CONVLAB:-$root/build/convlab}"
python="${PYTHON:-/usr/bin/python3}"
die() { echo "pick_and_cost_model.sh: $*" >&2; exit 2; }
[[ $# -ge 3 ]] || die "usage: pick_and_cost_model.sh DIR NETWORK_SET OTHER_SET... (at least two sets)"
dir="$1"
shift
sets=("$@")
network="${sets[0]}"
for set in "${sets[@]}"; do [[ -f "$dir/$set.csv" ]] || die "no $dir/$set.csv"; done

"$convlab" pick "$dir/$network.csv" --plan "$dir/$network.plan.json" > "$dir/$network.pick.txt"
if "$python" -c "import matplotlib" 2> /dev/null; then
    "$python" "$root/scripts/plot_winners.py" "$dir/$network.plan.json" "$dir/winners.png"
else
    echo "pick_and_cost_model.sh: no $dir/winners.png: $python has no matplotlib" >&2
fi
{
    echo "## The plan for $network: \`convlab pick\`"
    echo
    echo "\`convlab pick $network.csv --plan $network.plan.json\` (every layer and direction in"
    echo "\`$network.pick.txt\`; the winners' families in \`winners.png\`):"
    echo
    echo '```'
    sed -n '/^[0-9]* cells;/,$p' "$dir/$network.pick.txt" | grep -v '^plan: '
    echo '```'
} > "$dir/pick.md"

mkdir -p "$dir/cost_model"
{
    echo "## The cost model, scored on held-out sets"
    echo
    echo "\`convlab pick --predict\` chooses per layer and direction from the problem, its workspace and"
    echo "the measured peak and bandwidth, without timing: each algorithm's roofline times the mean"
    echo "efficiency of its 3 training rows nearest in shape. Each set below was left out of the fit"
    echo "(\`pick --fit\` on the others) and the predicted plan is timed with that set's measured rows."
    echo "*Recovered*: the share of the oracle's saving over the best single algorithm that the"
    echo "predicted plan keeps (100%: as good as the oracle; 0%: no better than the best single"
    echo "algorithm; negative: worse)."
    echo
    echo "| held out | fitted on | predicted / oracle time | recovered | cells agreeing | cells without a prediction |"
    echo "|---|---|---|---|---|---|"
} > "$dir/cost_model.md"
for held_out in "${sets[@]}"; do
    train=()
    for set in "${sets[@]}"; do [[ "$set" == "$held_out" ]] || train+=("$dir/$set.csv"); done
    model="$dir/cost_model/without_$held_out.json"
    "$convlab" pick --fit "${train[@]}" --model "$model" > /dev/null
    printout="$dir/cost_model/$held_out.predicted.txt"
    "$convlab" pick "$dir/$held_out.csv" --predict --model "$model" > "$printout"
    ratio="$(sed -n 's/.*predicted plan .*(\([0-9.]*x\) the oracle).*/\1/p' "$printout")"
    recovered="$(sed -n 's/.*recovers \(-\{0,1\}[0-9.]*%\).*/\1/p' "$printout")"
    agreement="$(sed -n 's/.*agreement with the oracle: \([0-9]* of [0-9]*\) (\([0-9.]*%\)).*/\1 (\2)/p' "$printout")"
    without="$(sed -n 's/.*; \([0-9]*\) cells without a prediction.*/\1/p' "$printout")"
    fitted="$(for set in "${sets[@]}"; do [[ "$set" == "$held_out" ]] || printf '%s ' "$set"; done)"
    echo "| $held_out | ${fitted% } | ${ratio:--} | ${recovered:-no saving to recover} | ${agreement:--} | ${without:--} |" \
        >> "$dir/cost_model.md"
done
echo >> "$dir/cost_model.md"
echo "Cells without a prediction (no fitted row of that algorithm and direction) take the"\
     "oracle's choice and are counted in the last column. A set whose layer class no other set"\
     "has (the depthwise layers) is predicted from rows of other classes." >> "$dir/cost_model.md"
echo "pick_and_cost_model.sh: wrote $dir/pick.md and $dir/cost_model.md"
