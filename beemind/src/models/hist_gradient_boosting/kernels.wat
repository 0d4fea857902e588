;; This module contains the WebAssembly hot loops of histogram gradient boosting: building gradient/hessian
;; histograms from uint8 bin codes, the histogram subtraction trick, the best split of a node, the in-place
;; partition of a node's sample indices, the log-loss gradients (with their own exp) and the leaf updates of
;; the raw scores. Compiled to kernels_wasm.ts by `npm run build:wasm -w beemind` (scripts/build-wasm.mjs).
;;
;; All pointers are byte offsets into the imported memory. Bin codes are column-major: feature f of sample i
;; is the byte at bins + f*n + i. Gradients and hessians are interleaved f32 pairs: sample i at gh + 8*i. A
;; histogram bin is 24 bytes, [sum of gradients f64, sum of hessians f64, count f64], so one f64x2 add
;; updates both sums; the histogram of feature f starts at hist + f*featureBytes.
(module
  (memory (import "env" "memory") 1)

  ;; Histogram of all n samples (the root): one pass over the gradients per block of four features.
  (func (export "histogramRoot")
    (param $bins i32) (param $n i32) (param $nFeatures i32) (param $featureBytes i32) (param $gh i32)
    (param $hist i32)
    (local $f i32)
    (memory.fill (local.get $hist) (i32.const 0) (i32.mul (local.get $nFeatures) (local.get $featureBytes)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $f) (i32.const 4)) (local.get $nFeatures)))
        (call $root4
          (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n))) (local.get $n)
          (local.get $featureBytes) (local.get $gh)
          (i32.add (local.get $hist) (i32.mul (local.get $f) (local.get $featureBytes))))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $f) (local.get $nFeatures)))
        (call $root1
          (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n))) (local.get $n) (local.get $gh)
          (i32.add (local.get $hist) (i32.mul (local.get $f) (local.get $featureBytes))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $next))))

  ;; Histogram of the m samples listed (i32) at idx. Their gradient/hessian pairs are first gathered into ogh
  ;; so that every block of four features reads them sequentially.
  (func (export "histogramIndexed")
    (param $bins i32) (param $n i32) (param $nFeatures i32) (param $featureBytes i32)
    (param $idx i32) (param $m i32) (param $gh i32) (param $ogh i32) (param $hist i32)
    (local $f i32) (local $k i32)
    (block $gathered
      (loop $gather
        (br_if $gathered (i32.ge_u (local.get $k) (local.get $m)))
        (i64.store (i32.add (local.get $ogh) (i32.shl (local.get $k) (i32.const 3)))
          (i64.load (i32.add (local.get $gh)
            (i32.shl (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $gather)))
    (memory.fill (local.get $hist) (i32.const 0) (i32.mul (local.get $nFeatures) (local.get $featureBytes)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $f) (i32.const 4)) (local.get $nFeatures)))
        (call $indexed4
          (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n))) (local.get $n)
          (local.get $featureBytes) (local.get $idx) (local.get $m) (local.get $ogh)
          (i32.add (local.get $hist) (i32.mul (local.get $f) (local.get $featureBytes))))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $f) (local.get $nFeatures)))
        (call $indexed1
          (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n)))
          (local.get $idx) (local.get $m) (local.get $ogh)
          (i32.add (local.get $hist) (i32.mul (local.get $f) (local.get $featureBytes))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $next))))

  ;; parent := parent − child over `bytes` bytes (a multiple of 8), two doubles at a time.
  (func (export "subtract") (param $parent i32) (param $child i32) (param $bytes i32)
    (local $k i32)
    (block $done2
      (loop $next2
        (br_if $done2 (i32.gt_u (i32.add (local.get $k) (i32.const 16)) (local.get $bytes)))
        (v128.store (i32.add (local.get $parent) (local.get $k))
          (f64x2.sub
            (v128.load (i32.add (local.get $parent) (local.get $k)))
            (v128.load (i32.add (local.get $child) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next2)))
    (if (i32.lt_u (local.get $k) (local.get $bytes))
      (then
        (f64.store (i32.add (local.get $parent) (local.get $k))
          (f64.sub
            (f64.load (i32.add (local.get $parent) (local.get $k)))
            (f64.load (i32.add (local.get $child) (local.get $k))))))))

  ;; Best split of one node over the features it may split on (a byte per feature at allowed, 1 or 0: all 1s
  ;; unless the node samples its features), from its histogram. A candidate "bin <= b goes left" must
  ;; leave each child at least minSamples samples and minHessian hessian, and gain strictly more than
  ;; minGain and than every earlier candidate; the gain is G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ). Missing
  ;; values go right in the left-to-right scan and, for features with missing values (a byte per feature
  ;; at hasMissing), left in a second right-to-left scan. nBins (i32 per feature) counts non-missing bins.
  ;; Writes [gain, feature, bin, missingGoLeft, G_L, H_L, n_L] as f64 at out; returns 1 if a split exists.
  (func (export "bestSplit")
    (param $hist i32) (param $nFeatures i32) (param $featureBytes i32) (param $nBins i32) (param $hasMissing i32)
    (param $allowed i32) (param $sumG f64) (param $sumH f64) (param $n f64) (param $l2 f64) (param $minSamples f64)
    (param $minHessian f64) (param $minGain f64) (param $out i32) (result i32)
    (local $f i32) (local $hb i32) (local $b i32) (local $end i32) (local $o i32) (local $missing i32)
    (local $parentLoss f64) (local $c f64) (local $g f64) (local $h f64) (local $m f64)
    (local $gOther f64) (local $hOther f64) (local $mOther f64) (local $gain f64)
    (local $best f64) (local $bestFeature i32) (local $bestBin i32) (local $bestMissingLeft i32)
    (local $bestG f64) (local $bestH f64) (local $bestM f64)
    (local.set $best (f64.const -1))
    (local.set $bestFeature (i32.const -1))
    (local.set $parentLoss (f64.mul (local.get $sumG)
      (f64.div (f64.neg (local.get $sumG)) (f64.add (f64.add (local.get $sumH) (local.get $l2)) (f64.const 1e-15)))))
    (block $features
      (loop $feature
        (br_if $features (i32.ge_u (local.get $f) (local.get $nFeatures)))
        (block $next
          (br_if $next (i32.eqz (i32.load8_u (i32.add (local.get $allowed) (local.get $f)))))
          (local.set $hb (i32.add (local.get $hist) (i32.mul (local.get $f) (local.get $featureBytes))))
          (local.set $missing (i32.load8_u (i32.add (local.get $hasMissing) (local.get $f))))
          (local.set $end (i32.add
            (i32.sub (i32.load (i32.add (local.get $nBins) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 1))
            (local.get $missing)))
          ;; left to right: ($g, $h, $m) are the left child's sums, missing values on the right
          (local.set $g (f64.const 0))
          (local.set $h (f64.const 0))
          (local.set $m (f64.const 0))
          (local.set $b (i32.const 0))
          (block $scanned
            (loop $bin
              (br_if $scanned (i32.ge_s (local.get $b) (local.get $end)))
              (block $skip
                (local.set $o (i32.add (local.get $hb) (i32.mul (local.get $b) (i32.const 24))))
                (local.set $c (f64.load offset=16 (local.get $o)))
                ;; an empty bin repeats the previous candidate, which is never strictly better
                (br_if $skip (f64.eq (local.get $c) (f64.const 0)))
                (local.set $m (f64.add (local.get $m) (local.get $c)))
                (local.set $h (f64.add (local.get $h) (f64.load offset=8 (local.get $o))))
                (local.set $g (f64.add (local.get $g) (f64.load (local.get $o))))
                (local.set $mOther (f64.sub (local.get $n) (local.get $m)))
                (br_if $skip (f64.lt (local.get $m) (local.get $minSamples)))
                (br_if $scanned (f64.lt (local.get $mOther) (local.get $minSamples)))
                (local.set $hOther (f64.sub (local.get $sumH) (local.get $h)))
                (br_if $skip (f64.lt (local.get $h) (local.get $minHessian)))
                (br_if $scanned (f64.lt (local.get $hOther) (local.get $minHessian)))
                (local.set $gOther (f64.sub (local.get $sumG) (local.get $g)))
                (local.set $gain (f64.add (f64.add (local.get $parentLoss)
                  (f64.div (f64.mul (local.get $g) (local.get $g))
                    (f64.add (f64.add (local.get $h) (local.get $l2)) (f64.const 1e-15))))
                  (f64.div (f64.mul (local.get $gOther) (local.get $gOther))
                    (f64.add (f64.add (local.get $hOther) (local.get $l2)) (f64.const 1e-15)))))
                (br_if $skip (i32.eqz (i32.and
                  (f64.gt (local.get $gain) (local.get $best)) (f64.gt (local.get $gain) (local.get $minGain)))))
                (local.set $best (local.get $gain))
                (local.set $bestFeature (local.get $f))
                (local.set $bestBin (local.get $b))
                (local.set $bestMissingLeft (i32.const 0))
                (local.set $bestG (local.get $g))
                (local.set $bestH (local.get $h))
                (local.set $bestM (local.get $m)))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br $bin)))
          ;; right to left, only with missing values: ($g, $h, $m) are the right child's sums, missing go left
          (if (local.get $missing)
            (then
              (local.set $g (f64.const 0))
              (local.set $h (f64.const 0))
              (local.set $m (f64.const 0))
              (local.set $b (i32.sub (local.get $end) (i32.const 2)))
              (block $scanned
                (loop $bin
                  (br_if $scanned (i32.lt_s (local.get $b) (i32.const 0)))
                  (block $skip
                    (local.set $o (i32.add (local.get $hb) (i32.mul (i32.add (local.get $b) (i32.const 1)) (i32.const 24))))
                    (local.set $c (f64.load offset=16 (local.get $o)))
                    (br_if $skip (f64.eq (local.get $c) (f64.const 0)))
                    (local.set $m (f64.add (local.get $m) (local.get $c)))
                    (local.set $h (f64.add (local.get $h) (f64.load offset=8 (local.get $o))))
                    (local.set $g (f64.add (local.get $g) (f64.load (local.get $o))))
                    (local.set $mOther (f64.sub (local.get $n) (local.get $m)))
                    (br_if $skip (f64.lt (local.get $m) (local.get $minSamples)))
                    (br_if $scanned (f64.lt (local.get $mOther) (local.get $minSamples)))
                    (local.set $hOther (f64.sub (local.get $sumH) (local.get $h)))
                    (br_if $skip (f64.lt (local.get $h) (local.get $minHessian)))
                    (br_if $scanned (f64.lt (local.get $hOther) (local.get $minHessian)))
                    (local.set $gOther (f64.sub (local.get $sumG) (local.get $g)))
                    (local.set $gain (f64.add (f64.add (local.get $parentLoss)
                      (f64.div (f64.mul (local.get $gOther) (local.get $gOther))
                        (f64.add (f64.add (local.get $hOther) (local.get $l2)) (f64.const 1e-15))))
                      (f64.div (f64.mul (local.get $g) (local.get $g))
                        (f64.add (f64.add (local.get $h) (local.get $l2)) (f64.const 1e-15)))))
                    (br_if $skip (i32.eqz (i32.and
                      (f64.gt (local.get $gain) (local.get $best)) (f64.gt (local.get $gain) (local.get $minGain)))))
                    (local.set $best (local.get $gain))
                    (local.set $bestFeature (local.get $f))
                    (local.set $bestBin (local.get $b))
                    (local.set $bestMissingLeft (i32.const 1))
                    (local.set $bestG (local.get $gOther))
                    (local.set $bestH (local.get $hOther))
                    (local.set $bestM (local.get $mOther)))
                  (local.set $b (i32.sub (local.get $b) (i32.const 1)))
                  (br $bin))))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $feature)))
    (f64.store (local.get $out) (local.get $best))
    (f64.store offset=8 (local.get $out) (f64.convert_i32_s (local.get $bestFeature)))
    (f64.store offset=16 (local.get $out) (f64.convert_i32_s (local.get $bestBin)))
    (f64.store offset=24 (local.get $out) (f64.convert_i32_s (local.get $bestMissingLeft)))
    (f64.store offset=32 (local.get $out) (local.get $bestG))
    (f64.store offset=40 (local.get $out) (local.get $bestH))
    (f64.store offset=48 (local.get $out) (local.get $bestM))
    (i32.ge_s (local.get $bestFeature) (i32.const 0)))

  ;; Stable partition of the m sample indices (i32) at idx by the bin codes of one feature (column at col):
  ;; code <= threshold goes left, the missing code goes left iff missingGoLeft. Branch-free: every index is
  ;; written both to the left cursor in place and to the right cursor in `buffer`, and only one cursor moves.
  ;; Returns the number of samples that went left.
  (func (export "partition")
    (param $col i32) (param $idx i32) (param $m i32) (param $threshold i32) (param $missingBin i32)
    (param $missingGoLeft i32) (param $buffer i32) (result i32)
    (local $k i32) (local $i i32) (local $b i32) (local $left i32) (local $right i32) (local $goLeft i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $i (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $b (i32.load8_u (i32.add (local.get $col) (local.get $i))))
        (local.set $goLeft
          (select (local.get $missingGoLeft) (i32.le_u (local.get $b) (local.get $threshold))
            (i32.eq (local.get $b) (local.get $missingBin))))
        (i32.store (i32.add (local.get $idx) (i32.shl (local.get $left) (i32.const 2))) (local.get $i))
        (i32.store (i32.add (local.get $buffer) (i32.shl (local.get $right) (i32.const 2))) (local.get $i))
        (local.set $left (i32.add (local.get $left) (local.get $goLeft)))
        (local.set $right (i32.add (local.get $right) (i32.xor (local.get $goLeft) (i32.const 1))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (memory.copy
      (i32.add (local.get $idx) (i32.shl (local.get $left) (i32.const 2)))
      (local.get $buffer)
      (i32.shl (local.get $right) (i32.const 2)))
    (local.get $left))

  ;; Binary log-loss: for the n raw scores (f64) at raw and labels (f64, 0 or 1) at y, writes the pairs
  ;; (gradient p − y, hessian p(1 − p)) as f32 at gh, with p = 1 / (1 + e^−raw). Two samples per step in
  ;; f64x2 lanes (the same arithmetic as the scalar tail, so the results do not depend on the lane).
  (func (export "logisticGradients") (param $raw i32) (param $y i32) (param $gh i32) (param $n i32)
    (local $i i32) (local $p f64) (local $out i32) (local $pp v128) (local $one v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (block $pairs
      (loop $pair
        (br_if $pairs (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (local.set $pp (f64x2.div (local.get $one)
          (f64x2.add (local.get $one)
            (call $exp2 (f64x2.neg (v128.load (i32.add (local.get $raw) (i32.shl (local.get $i) (i32.const 3)))))))))
        ;; [g0, g1, 0, 0] and [h0, h1, 0, 0] as f32, interleaved into [g0, h0, g1, h1]
        (v128.store (i32.add (local.get $gh) (i32.shl (local.get $i) (i32.const 3)))
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.sub (local.get $pp) (v128.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))))
            (f32x4.demote_f64x2_zero
              (f64x2.mul (local.get $pp) (f64x2.sub (local.get $one) (local.get $pp))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pair)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $p (f64.div (f64.const 1)
          (f64.add (f64.const 1)
            (call $exp (f64.neg (f64.load (i32.add (local.get $raw) (i32.shl (local.get $i) (i32.const 3)))))))))
        (local.set $out (i32.add (local.get $gh) (i32.shl (local.get $i) (i32.const 3))))
        (f32.store (local.get $out) (f32.demote_f64
          (f64.sub (local.get $p) (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))))))
        (f32.store offset=4 (local.get $out) (f32.demote_f64
          (f64.mul (local.get $p) (f64.sub (f64.const 1) (local.get $p))))))))

  ;; Multinomial log-loss: raw scores are class-major (class k of sample i at raw + 8*(k*n + i)), labels are
  ;; class indices (f64). Writes the pairs (p_k − [y = k], p_k(1 − p_k)) at gh, also class-major, with p the
  ;; softmax of the sample's K scores; `scratch` holds K doubles.
  (func (export "softmaxGradients")
    (param $raw i32) (param $y i32) (param $gh i32) (param $n i32) (param $K i32) (param $scratch i32)
    (local $i i32) (local $k i32) (local $max f64) (local $sum f64) (local $e f64) (local $p f64)
    (local $label i32) (local $at i32) (local $out i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; max of the K scores, for a stable softmax
        (local.set $at (i32.add (local.get $raw) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $max (f64.load (local.get $at)))
        (local.set $k (i32.const 1))
        (block $maxed
          (loop $scan
            (br_if $maxed (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $at (i32.add (local.get $at) (local.get $stride)))
            (local.set $max (f64.max (local.get $max) (f64.load (local.get $at))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $scan)))
        ;; e^(score − max) into scratch, and their sum
        (local.set $at (i32.add (local.get $raw) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $sum (f64.const 0))
        (local.set $k (i32.const 0))
        (block $exped
          (loop $expk
            (br_if $exped (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $e (call $exp (f64.sub (f64.load (local.get $at)) (local.get $max))))
            (f64.store (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 3))) (local.get $e))
            (local.set $sum (f64.add (local.get $sum) (local.get $e)))
            (local.set $at (i32.add (local.get $at) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $expk)))
        (local.set $label (i32.trunc_f64_u (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $out (i32.add (local.get $gh) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $k (i32.const 0))
        (block $written
          (loop $write
            (br_if $written (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $p (f64.div (f64.load (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 3))))
              (local.get $sum)))
            (f32.store (local.get $out) (f32.demote_f64
              (select (f64.sub (local.get $p) (f64.const 1)) (local.get $p)
                (i32.eq (local.get $k) (local.get $label)))))
            (f32.store offset=4 (local.get $out) (f32.demote_f64
              (f64.mul (local.get $p) (f64.sub (f64.const 1) (local.get $p)))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $write)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; values[idx[k]] += value (f64) for the m sample indices (i32) at idx: a leaf's update of the raw scores.
  (func (export "addAt") (param $values i32) (param $idx i32) (param $m i32) (param $value f64)
    (local $k i32) (local $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $at (i32.add (local.get $values)
          (i32.shl (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
        (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $value)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next))))

  ;; e^x to within an ulp, by fdlibm's method: x = k ln2 + r with |r| <= ln2/2, a rational approximation of
  ;; e^r, then scaling by 2^k through the exponent bits. x is clamped to [−708, 708], where 2^k stays a
  ;; normal double (callers only need e^x as an input to probabilities, which round the same there).
  (func $exp (param $x f64) (result f64)
    (local $k f64) (local $hi f64) (local $lo f64) (local $r f64) (local $rr f64) (local $c f64)
    (local.set $x (f64.min (f64.max (local.get $x) (f64.const -708)) (f64.const 708)))
    (local.set $k (f64.nearest (f64.mul (local.get $x) (f64.const 1.44269504088896338700e+00))))
    (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $k) (f64.const 6.93147180369123816490e-01))))
    (local.set $lo (f64.mul (local.get $k) (f64.const 1.90821492927058770002e-10)))
    (local.set $r (f64.sub (local.get $hi) (local.get $lo)))
    (local.set $rr (f64.mul (local.get $r) (local.get $r)))
    (local.set $c (f64.sub (local.get $r) (f64.mul (local.get $rr)
      (f64.add (f64.const 1.66666666666666019037e-01) (f64.mul (local.get $rr)
      (f64.add (f64.const -2.77777777770155933842e-03) (f64.mul (local.get $rr)
      (f64.add (f64.const 6.61375632143793436117e-05) (f64.mul (local.get $rr)
      (f64.add (f64.const -1.65339022054652515390e-06) (f64.mul (local.get $rr)
        (f64.const 4.13813679705723846039e-08))))))))))))
    (f64.mul
      (f64.sub (f64.const 1)
        (f64.sub
          (f64.sub (local.get $lo) (f64.div (f64.mul (local.get $r) (local.get $c)) (f64.sub (f64.const 2) (local.get $c))))
          (local.get $hi)))
      (f64.reinterpret_i64
        (i64.shl (i64.add (i64.trunc_f64_s (local.get $k)) (i64.const 1023)) (i64.const 52)))))

  ;; $exp on both f64x2 lanes, step for step.
  (func $exp2 (param $x v128) (result v128)
    (local $k v128) (local $hi v128) (local $lo v128) (local $r v128) (local $rr v128) (local $c v128)
    (local.set $x (f64x2.min (f64x2.max (local.get $x) (f64x2.splat (f64.const -708))) (f64x2.splat (f64.const 708))))
    (local.set $k (f64x2.nearest (f64x2.mul (local.get $x) (f64x2.splat (f64.const 1.44269504088896338700e+00)))))
    (local.set $hi (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (f64x2.splat (f64.const 6.93147180369123816490e-01)))))
    (local.set $lo (f64x2.mul (local.get $k) (f64x2.splat (f64.const 1.90821492927058770002e-10))))
    (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
    (local.set $rr (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $c (f64x2.sub (local.get $r) (f64x2.mul (local.get $rr)
      (f64x2.add (f64x2.splat (f64.const 1.66666666666666019037e-01)) (f64x2.mul (local.get $rr)
      (f64x2.add (f64x2.splat (f64.const -2.77777777770155933842e-03)) (f64x2.mul (local.get $rr)
      (f64x2.add (f64x2.splat (f64.const 6.61375632143793436117e-05)) (f64x2.mul (local.get $rr)
      (f64x2.add (f64x2.splat (f64.const -1.65339022054652515390e-06)) (f64x2.mul (local.get $rr)
        (f64x2.splat (f64.const 4.13813679705723846039e-08)))))))))))))
    (f64x2.mul
      (f64x2.sub (f64x2.splat (f64.const 1))
        (f64x2.sub
          (f64x2.sub (local.get $lo)
            (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (f64x2.splat (f64.const 2)) (local.get $c))))
          (local.get $hi)))
      ;; 2^k: k as i32 lanes, widened to i64, biased and shifted into the exponent field
      (i64x2.shl
        (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k))) (i64x2.splat (i64.const 1023)))
        (i32.const 52))))

  ;; The per-bin update (sums += (g, h), count += 1) is written out in each loop below rather than called:
  ;; calls are not inlined.

  (func $root4
    (param $col i32) (param $n i32) (param $featureBytes i32) (param $ghs i32) (param $hist i32)
    (local $i i32) (local $p i32) (local $o i32) (local $gh v128) (local $h1 i32) (local $h2 i32) (local $h3 i32)
    (local.set $h1 (i32.add (local.get $hist) (local.get $featureBytes)))
    (local.set $h2 (i32.add (local.get $h1) (local.get $featureBytes)))
    (local.set $h3 (i32.add (local.get $h2) (local.get $featureBytes)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $ghs) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $p (i32.add (local.get $col) (local.get $i)))
        (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h1) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h2) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h3) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func $root1 (param $col i32) (param $n i32) (param $ghs i32) (param $hist i32)
    (local $i i32) (local $p i32) (local $o i32) (local $gh v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $ghs) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $p (i32.add (local.get $col) (local.get $i)))
        (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func $indexed4
    (param $col i32) (param $n i32) (param $featureBytes i32) (param $idx i32) (param $m i32) (param $ogh i32)
    (param $hist i32)
    (local $k i32) (local $p i32) (local $o i32) (local $gh v128) (local $h1 i32) (local $h2 i32) (local $h3 i32)
    (local.set $h1 (i32.add (local.get $hist) (local.get $featureBytes)))
    (local.set $h2 (i32.add (local.get $h1) (local.get $featureBytes)))
    (local.set $h3 (i32.add (local.get $h2) (local.get $featureBytes)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $ogh) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $p (i32.add (local.get $col)
          (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h1) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h2) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h3) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next))))

  (func $indexed1 (param $col i32) (param $idx i32) (param $m i32) (param $ogh i32) (param $hist i32)
    (local $k i32) (local $p i32) (local $o i32) (local $gh v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $ogh) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $p (i32.add (local.get $col)
          (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $gh)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next))))
)
