<?php
// Packagist reference: Composer's VersionParser::normalize (composer/semver), then PHP's
// version_compare on the normalised strings, which is what Composer's Comparator does.
require '/usr/share/php/Composer/Semver/autoload.php';

$parser = new Composer\Semver\VersionParser();
$normalize = function ($v) use ($parser) {
    $n = $parser->normalize($v);
    // Branches (dev-master, dev-feature) have no order: Composer only tests them for equality.
    if (strncmp($n, 'dev-', 4) === 0) {
        throw new UnexpectedValueException("branch");
    }
    return $n;
};
while (($line = fgets(STDIN)) !== false) {
    $f = explode("\t", rtrim($line, "\n"));
    if (count($f) === 1) {
        try {
            $normalize($f[0]);
            echo $f[0], "\tvalid\n";
        } catch (UnexpectedValueException $e) {
            echo $f[0], "\tinvalid\n";
        }
    } else {
        echo $f[0], "\t", $f[1], "\t", version_compare($normalize($f[0]), $normalize($f[1])), "\n";
    }
}
