<?php
// php.php: the calibration shapes in PHP (scripts/calibrate, docs/calibration.md).
//
// usage: php php.php SHAPE N    (shapes as cpython.py)
// prints: php SHAPE N WALL_NS CPU_NS
// Built with gc_disable() (the possible roots are still buffered), then one
// gc_collect_cycles() is timed (hrtime and getrusage), so start-up and the
// building stay out. Containers are objects of one property: PHP arrays are
// values, and only objects and references make cycles.

class Node { public $next = null; }

$finalized = 0;
class FNode {
    public $next = null;
    function __destruct() { global $finalized; $finalized++; }
}

function cpu_ns() {
    $r = getrusage();
    return ($r["ru_utime.tv_sec"] + $r["ru_stime.tv_sec"]) * 1000000000
         + ($r["ru_utime.tv_usec"] + $r["ru_stime.tv_usec"]) * 1000;
}

// A tree node: an object with two children (left, right).
class TNode { public $left = null; public $right = null; }
function make_tnode($d) {
    $t = new TNode;
    if ($d > 0) { $t->left = make_tnode($d - 1); $t->right = make_tnode($d - 1); }
    return $t;
}
function populate($d, $node) {
    if ($d == 0) return;
    $node->left = new TNode;
    $node->right = new TNode;
    populate($d - 1, $node->left);
    populate($d - 1, $node->right);
}
function size($d) { return (2 << $d) - 1; }

function binary_trees($n) {
    $stretch = make_tnode($n + 2);
    $stretch = null;
    $long = new TNode;
    populate($n, $long);
    for ($d = 4; $d <= $n; $d += 2) {
        $iters = intdiv(2 * size($n + 2), size($d));
        for ($i = 0; $i < $iters; $i++) {
            $t = new TNode;
            populate($d, $t);
            $t = make_tnode($d);
        }
    }
    return $long;
}

function build($shape, $n) {
    if ($shape == "full") {
        $head = null;
        for ($i = 0; $i < $n; $i++) { $o = new Node; $o->next = $head; $head = $o; }
        return [$head, $n];
    }
    $ks = ["cycles" => 2, "fin-cycles" => 2, "ring3" => 3, "ring100" => 100, "ring10000" => 10000];
    $k = $ks[$shape];
    $rings = $k == 2 ? $n : max(1, intdiv($n, $k));
    for ($i = 0; $i < $rings; $i++) {
        $first = $shape == "fin-cycles" ? new FNode : new Node;
        $prev = $first;
        for ($j = 1; $j < $k; $j++) {
            $c = $shape == "fin-cycles" ? new FNode : new Node;
            $prev->next = $c;
            $prev = $c;
        }
        $prev->next = $first;
        $first = $prev = $c = null;
    }
    return [null, $rings * $k];
}

if ($argc != 3) { fwrite(STDERR, "usage: php php.php SHAPE N\n"); exit(2); }
$shape = $argv[1];
$n = (int)$argv[2];
$live = null;
if ($shape == "binary-trees") {
    $t0 = hrtime(true); $c0 = cpu_ns();
    binary_trees($n);
    $wall = hrtime(true) - $t0; $cpu = cpu_ns() - $c0;
} else {
    gc_collect_cycles();
    gc_disable();
    [$live, $expect] = build($shape, $n);
    gc_enable();
    $t0 = hrtime(true); $c0 = cpu_ns();
    $found = gc_collect_cycles();
    $wall = hrtime(true) - $t0; $cpu = cpu_ns() - $c0;
    if ($shape != "full" && $found < $expect) {
        fwrite(STDERR, "php: $shape: gc_collect_cycles() collected $found of $expect\n"); exit(1);
    }
    if ($shape == "fin-cycles" && $finalized != $expect) {
        fwrite(STDERR, "php: $shape: $finalized of $expect destructors ran\n"); exit(1);
    }
}
// Unlinked one by one: PHP frees a chain recursively, and 100,000 deep overflows the C stack.
while ($live !== null && $shape == "full") { $next = $live->next; $live->next = null; $live = $next; }
echo "php $shape $n $wall $cpu\n";
