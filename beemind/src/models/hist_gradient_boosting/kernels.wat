;; This module contains the WebAssembly hot loops of histogram gradient boosting: building gradient/hessian
;; histograms from uint8 bin codes, the histogram subtraction trick, and the in-place partition of a node's
;; sample indices. Compiled to kernels_wasm.ts by `npm run build:wasm -w beemind` (see scripts/build-wasm.mjs).
;;
;; All pointers are byte offsets into the imported memory. Bin codes are column-major: feature f of sample i
;; is the byte at bins + f*n + i. A histogram bin is 24 bytes, [sum of gradients f64, sum of hessians f64,
;; count f64]; the histogram of feature f starts at hist + f*featureBytes. Gradients and hessians are f32.
(module
  (memory (import "env" "memory") 1)

  ;; Histogram of all n samples (the root): one pass over the gradients per block of four features.
  (func (export "histogramRoot")
    (param $bins i32) (param $n i32) (param $nFeatures i32) (param $featureBytes i32)
    (param $g i32) (param $h i32) (param $hist i32)
    (local $f i32)
    (memory.fill (local.get $hist) (i32.const 0) (i32.mul (local.get $nFeatures) (local.get $featureBytes)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $f) (i32.const 4)) (local.get $nFeatures)))
        (call $root4
          (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n))) (local.get $n)
          (local.get $featureBytes) (local.get $g) (local.get $h)
          (i32.add (local.get $hist) (i32.mul (local.get $f) (local.get $featureBytes))))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $f) (local.get $nFeatures)))
        (call $root1
          (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n))) (local.get $n)
          (local.get $g) (local.get $h)
          (i32.add (local.get $hist) (i32.mul (local.get $f) (local.get $featureBytes))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $next))))

  ;; Histogram of the m samples listed (i32) at idx. Their gradients and hessians are first gathered into og
  ;; and oh so that every block of four features reads them sequentially.
  (func (export "histogramIndexed")
    (param $bins i32) (param $n i32) (param $nFeatures i32) (param $featureBytes i32)
    (param $idx i32) (param $m i32) (param $g i32) (param $h i32) (param $og i32) (param $oh i32)
    (param $hist i32)
    (local $f i32) (local $k i32) (local $i i32)
    (block $gathered
      (loop $gather
        (br_if $gathered (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $i (i32.shl (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2)))
        (f32.store (i32.add (local.get $og) (i32.shl (local.get $k) (i32.const 2)))
          (f32.load (i32.add (local.get $g) (local.get $i))))
        (f32.store (i32.add (local.get $oh) (i32.shl (local.get $k) (i32.const 2)))
          (f32.load (i32.add (local.get $h) (local.get $i))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $gather)))
    (memory.fill (local.get $hist) (i32.const 0) (i32.mul (local.get $nFeatures) (local.get $featureBytes)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $f) (i32.const 4)) (local.get $nFeatures)))
        (call $indexed4
          (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n))) (local.get $n)
          (local.get $featureBytes) (local.get $idx) (local.get $m) (local.get $og) (local.get $oh)
          (i32.add (local.get $hist) (i32.mul (local.get $f) (local.get $featureBytes))))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $f) (local.get $nFeatures)))
        (call $indexed1
          (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $n)))
          (local.get $idx) (local.get $m) (local.get $og) (local.get $oh)
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

  ;; The per-bin update (sum of gradients += g, sum of hessians += h, count += 1) is written out in each loop
  ;; below rather than called: calls would not be inlined.

  (func $root4
    (param $col i32) (param $n i32) (param $featureBytes i32) (param $g i32) (param $h i32) (param $hist i32)
    (local $i i32) (local $p i32) (local $o i32) (local $gi f64) (local $hi f64)
    (local $h1 i32) (local $h2 i32) (local $h3 i32)
    (local.set $h1 (i32.add (local.get $hist) (local.get $featureBytes)))
    (local.set $h2 (i32.add (local.get $h1) (local.get $featureBytes)))
    (local.set $h3 (i32.add (local.get $h2) (local.get $featureBytes)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $gi (f64.promote_f32 (f32.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $hi (f64.promote_f32 (f32.load (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $p (i32.add (local.get $col) (local.get $i)))
        (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $gi)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $hi)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h1) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $gi)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $hi)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h2) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $gi)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $hi)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h3) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $gi)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $hi)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func $root1 (param $col i32) (param $n i32) (param $g i32) (param $h i32) (param $hist i32)
    (local $i i32) (local $o i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.add (local.get $hist)
          (i32.mul (i32.load8_u (i32.add (local.get $col) (local.get $i))) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
          (f64.promote_f32 (f32.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2)))))))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o))
          (f64.promote_f32 (f32.load (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 2)))))))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func $indexed4
    (param $col i32) (param $n i32) (param $featureBytes i32) (param $idx i32) (param $m i32)
    (param $og i32) (param $oh i32) (param $hist i32)
    (local $k i32) (local $p i32) (local $o i32) (local $gi f64) (local $hi f64)
    (local $h1 i32) (local $h2 i32) (local $h3 i32)
    (local.set $h1 (i32.add (local.get $hist) (local.get $featureBytes)))
    (local.set $h2 (i32.add (local.get $h1) (local.get $featureBytes)))
    (local.set $h3 (i32.add (local.get $h2) (local.get $featureBytes)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $gi (f64.promote_f32 (f32.load (i32.add (local.get $og) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $hi (f64.promote_f32 (f32.load (i32.add (local.get $oh) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $p (i32.add (local.get $col)
          (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $gi)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $hi)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h1) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $gi)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $hi)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h2) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $gi)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $hi)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $n)))
        (local.set $o (i32.add (local.get $h3) (i32.mul (i32.load8_u (local.get $p)) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $gi)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $hi)))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next))))

  (func $indexed1
    (param $col i32) (param $idx i32) (param $m i32) (param $og i32) (param $oh i32) (param $hist i32)
    (local $k i32) (local $o i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $o (i32.add (local.get $hist)
          (i32.mul
            (i32.load8_u (i32.add (local.get $col)
              (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))))
            (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
          (f64.promote_f32 (f32.load (i32.add (local.get $og) (i32.shl (local.get $k) (i32.const 2)))))))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o))
          (f64.promote_f32 (f32.load (i32.add (local.get $oh) (i32.shl (local.get $k) (i32.const 2)))))))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next))))
)
