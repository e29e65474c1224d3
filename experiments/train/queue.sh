#!/usr/bin/env bash
# Training queue (sessions 2–4), run in the background from the repository root:
#   ODIC_BF16=1 nohup bash experiments/train/queue.sh > runs/queue.out 2>&1 &
# Each step resumes exactly from runs/NAME/last.ckpt, so re-running the script after an
# interruption continues where it stopped (finished runs return at once).
set -euo pipefail
RUNS=${RUNS:-runs}
COMMON=(--data ../shared/data/train --arch gained-mean-scale-hyperprior --N 128 --M 192
        --crop 192 --batch 8 --lr 1e-4 --threads 2 --feature-scale 0.10)
# q1 trains at λ = 0.6 (not 2.40) so that the lowest rate reaches about 0.1 bpp.
LADDER=(--lambda 0.6 --quality 1 --lambda 8.73 --quality 3 --lambda 31.73 --quality 5 --lambda 115.37 --quality 7)
BASE=${BASE:-$RUNS/a0_vr/last.ckpt}

# 1. α = 1, variable rate (its first 100 steps ran at q1 λ = 2.40 in session 1).
odic lab train --out "$RUNS/a1_vr" "${COMMON[@]}" "${LADDER[@]}" --alpha 1 --steps 1500 --init-from "$BASE"

# 2. α trade-off at one mid rate (q3, λ = 8.73): equal short fine-tunes from the α = 0 network.
for a in 0 0.25 0.5 0.75 1; do
  odic lab train --out "$RUNS/tradeoff_a$a" "${COMMON[@]}" --lambda 8.73 --quality 3 --alpha "$a" \
    --steps 250 --warmup 25 --init-from "$BASE"
done

# 3. α = 0.5, variable rate.
odic lab train --out "$RUNS/a05_vr" "${COMMON[@]}" "${LADDER[@]}" --alpha 0.5 --steps 600 --init-from "$BASE"

# 4. α = 0 continued with the lower q1 λ (not run yet: session 2 gave the cores to the sweeps).
odic lab train --out "$RUNS/a0_vr2" "${COMMON[@]}" "${LADDER[@]}" --alpha 0 --steps 600 --init-from "$BASE"

# 5. α = 1 again with the MS-SSIM anchor (session 3): the anchor-free α = 1 network darkened its
#    output, which held-out classifiers punish (experiments/train/README.md). Continues a1_vr.
odic lab train --out "$RUNS/a1_anchor" "${COMMON[@]}" "${LADDER[@]}" --alpha 1 --anchor 0.25 --steps 1000 --warmup 50 \
  --init-from "$RUNS/a1_vr/last.ckpt"

# 6. α = 0 continued with q1 at λ = 0.25 and 20× faster rate gains, so that q1 reaches ~0.1 bpp
#    (at the shared LR, step 4 moved q1 only a fifth of the way from 0.236 towards its λ = 0.6 rate).
odic lab train --out "$RUNS/a0_vr3" "${COMMON[@]}" --lambda 0.25 --quality 1 "${LADDER[@]:4}" --alpha 0 --gain-lr 20 \
  --steps 300 --warmup 25 --init-from "$RUNS/a0_vr2/last.ckpt"

# 7. Step 6 moved the q1 gains by only 0.03 (log scale; Kodak q1 0.220 → 0.218 bpp): 100× then.
odic lab train --out "$RUNS/a0_vr4" "${COMMON[@]}" --lambda 0.25 --quality 1 "${LADDER[@]:4}" --alpha 0 --gain-lr 100 \
  --steps 300 --warmup 25 --init-from "$RUNS/a0_vr3/last.ckpt"

# 8. Session 4: a wider ladder for all three α, so that every network reaches about 0.1 bpp at the
#    bottom and 1.0 at the top (issue 4). The old q1 becomes q2; a new q1 and a new q8 start at
#    gains extrapolated along the ladder to 0.085 / 1.15 bpp on the training set's validation crops
#    (extend_ladder.py), then the whole network fine-tunes at six rates. Gains keep the shared LR.
#    The synthesis trains on rounded latents (--quantize mixed): with uniform noise the new q1
#    trained at MS-SSIM 0.45 where rounding gives 0.74, so its gradients pointed the wrong way.
WIDE=(--quantize mixed --lambda 0.1 --quality 1 --lambda 0.25 --quality 2 "${LADDER[@]:4}" --lambda 250 --quality 8)
for run in a0_vr3:a0_wide:0:0 a1_anchor:a1_wide:1:0.25 a05_vr:a05_wide:0.5:0; do
  IFS=: read -r src dst alpha anchor <<< "$run"
  [ -f "$RUNS/$dst.init.pt" ] || python experiments/train/extend_ladder.py "$RUNS/$src/last.ckpt" "$RUNS/$dst.init.pt"
  odic lab train --out "$RUNS/$dst" "${COMMON[@]}" "${WIDE[@]}" --alpha "$alpha" --anchor "$anchor" \
    --steps "${WIDE_STEPS:-900}" --warmup 50 --init-from "$RUNS/$dst.init.pt"
done

# 9. The α trade-off again, with the MS-SSIM anchor at every α and λ raised with α so that the
#    rates meet (the anchor-free set of step 2 fell from 0.335 to 0.238 Kodak bpp at α = 1).
for pair in 0:8.73 0.25:9.3 0.5:10.2 0.75:11.5 1:14.0; do
  IFS=: read -r a lmbda <<< "$pair"
  odic lab train --out "$RUNS/tradeoff2_a$a" "${COMMON[@]}" --quantize mixed --lambda "$lmbda" --quality 3 --alpha "$a" --anchor 0.25 \
    --steps 250 --warmup 25 --init-from "$RUNS/a0_vr3/last.ckpt"
done

# Session 5: the ladders and the trade-off trained on a lent GPU (experiments/train/device/), into
# $RUNS/a{0,05,1}_gpu and $RUNS/tradeoff3_a*. Then:
# 10. α = 0 with λ at the slope of its own rate curve for q1 / q2 (0.7 / 3.3 instead of 0.1 / 0.25,
#     experiments/train/README.md §6). The shipped α = 0 network since session 5.
odic lab train --out "$RUNS/a0_fix" "${COMMON[@]}" --lr 5e-5 --quantize mixed --lambda 0.7 --quality 1 --lambda 3.3 --quality 2 \
  "${LADDER[@]:4}" --lambda 250 --quality 8 --alpha 0 --steps 1200 --warmup 25 --init-from "$RUNS/a0_gpu/last.ckpt"

# Session 6: the observer looks through the classifier's eval resize (--view-scale 0.6; at full
# size the α = 1 network agreed with Lite0 *less* than α = 0 once both were shrunk, §7), feature
# scale recalibrated for it (experiments/calibration/result-a0-fix-q3-view0.6.json), and the
# corrected q1/q2 λ of step 10.
MACHINE=(--feature-scale 0.143 --view-scale 0.6 --anchor 0.25)
FIXED=(--quantize mixed --lambda 0.7 --quality 1 --lambda 3.3 --quality 2 "${LADDER[@]:4}" --lambda 250 --quality 8)
# 11. α = 1 from the shipped α = 0 network.
odic lab train --out "$RUNS/a1_view" "${COMMON[@]}" "${MACHINE[@]}" "${FIXED[@]}" --alpha 1 --steps 1500 --warmup 25 \
  --init-from "$RUNS/a0_fix/last.ckpt"
# 12. The α trade-off, every α an equal fine-tune of the shipped α = 0 network at q3 alone
#     (step 9's α = 0 member was the ladder network itself, which never had this fine-tune).
for a in 0 0.25 0.5 0.75 1; do
  odic lab train --out "$RUNS/tradeoff4_a$a" "${COMMON[@]}" "${MACHINE[@]}" --quantize mixed --lambda 8.73 --quality 3 \
    --alpha "$a" --steps 400 --warmup 25 --init-from "$RUNS/a0_fix/last.ckpt"
done
# 13. α = 0.5 like step 11 (its shipped network still has the old q1/q2 λ and the full-size observer).
odic lab train --out "$RUNS/a05_view" "${COMMON[@]}" "${MACHINE[@]}" "${FIXED[@]}" --alpha 0.5 --steps 1200 --warmup 25 \
  --init-from "$RUNS/a0_fix/last.ckpt"

# Session 7: qualities 1 and 2 trained at half size (odic lab train --half-size): the loss judges the
# enlarged reconstruction against the full crop, bits per crop pixel. Session 6 shipped them as
# full-size levels used at half size, and on Kodak quality 2 stayed 0.017 MS-SSIM below half-size
# WebP. Each level starts from the one it borrowed (experiments/train/half_levels.py); 256 crops
# keep the half-size picture a multiple of the network's stride.
HALF=(--crop 256 "${FIXED[@]}" --half-size 1 --half-size 2 --steps 1200 --warmup 25)
# 14. α = 0 from the shipped α = 0 network.
python experiments/train/half_levels.py "$RUNS/a0_fix/last.ckpt" "$RUNS/a0_half.init.pt" 2:1 5:2
odic lab train --out "$RUNS/a0_half" "${COMMON[@]}" --lr 5e-5 "${HALF[@]}" --alpha 0 --init-from "$RUNS/a0_half.init.pt"
# 15. α = 1 from the shipped α = 1 network.
python experiments/train/half_levels.py "$RUNS/a1_view/last.ckpt" "$RUNS/a1_half.init.pt" 2:1 5:2
odic lab train --out "$RUNS/a1_half" "${COMMON[@]}" "${MACHINE[@]}" "${HALF[@]}" --alpha 1 --init-from "$RUNS/a1_half.init.pt"
# Session 8: the trade-off networks train in experiments/tradeoff/run.sh itself (from the shipped
# α = 0.5 network, so a clean checkout reproduces them; runs/tradeoff5_a*).
# Session 9: a pixel term in the machine term (odic lab train --pixel, odic/train/loss.py). MS-SSIM
# left low-frequency colour loose: PSNR stopped near 28 dB on Kodak at 1.2 bpp (WebP 36) and Lite2
# stayed below WebP at 0.2 bpp on imagenet. 10 · MSE is about as large as the feature term at
# quality 3 on the training crops (0.02 against 0.026 at 27 dB).
# 16. α = 1 from the shipped α = 1 network (the file in weights/, so a clean checkout runs it).
odic lab train --out "$RUNS/a1_pixel" "${COMMON[@]}" "${MACHINE[@]}" "${HALF[@]/1200/3000}" --pixel 10 --alpha 1 \
  --init-from weights/odic-a1-q1-q2-q3-q5-q7-q8.pt
# 17. Continued: every level's MS-SSIM and PSNR on the training crops still rose at step 3000.
odic lab train --out "$RUNS/a1_pixel2" "${COMMON[@]}" "${MACHINE[@]}" "${HALF[@]/1200/2400}" --lr 5e-5 --pixel 10 --alpha 1 \
  --init-from "$RUNS/a1_pixel/last.ckpt"
# 18. α = 0 continued as long as α = 1 was in steps 16–17 (no pixel term: it changes only the machine
#     term). Started at the end of session 9; choose it with experiments/selection before shipping.
odic lab train --out "$RUNS/a0_more" "${COMMON[@]}" --lr 5e-5 "${HALF[@]/1200/5400}" --alpha 0 \
  --init-from weights/odic-a0-q1-q2-q3-q5-q7-q8.pt
# Session 10. 19. α = 1 continued again: at the end of step 17 every level still improved, and
#     Lite2 at quality 2 stayed 1.7 points below WebP on imagenet-500 (docs/results.md).
odic lab train --out "$RUNS/a1_pixel3" "${COMMON[@]}" "${MACHINE[@]}" "${HALF[@]/1200/3000}" --lr 5e-5 --pixel 10 --alpha 1 \
  --init-from "$RUNS/a1_pixel2/last.ckpt"
# Session 11. 20. A low-rate α = 1 network: qualities 1 and 2 alone (both at half size), from the
#     shipped α = 1 file. Steps 16, 17 and 19 cycled six levels, so q1 and q2 had a third of the
#     steps, and Lite2 at q2 stayed 1.5 points below WebP on imagenet-500 while q3 was above it.
#     Exported as its own file (odic-a1-q1-q2.pt), whose manifest entries replace those two
#     qualities; q3–q8 stay on the six-level file (CompressAI too ships a network per quality).
LOW=(--crop 256 --quantize mixed --lambda 0.7 --quality 1 --lambda 3.3 --quality 2 --half-size 1 --half-size 2)
odic lab train --out "$RUNS/a1_low" "${COMMON[@]}" "${MACHINE[@]}" "${LOW[@]}" --pixel 10 --alpha 1 --steps 2400 --warmup 25 \
  --init-from weights/odic-a1-q1-q2-q3-q5-q7-q8.pt
