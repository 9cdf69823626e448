// Maven reference: org.apache.maven.artifact.versioning.ComparableVersion from maven-artifact.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class Maven {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split("\t", -1);
            if (f.length == 1) {
                // ComparableVersion accepts every string. We reject the empty one, and leave
                // out non-ASCII ones, whose Unicode digits and case folding we do not follow.
                boolean ascii = f[0].chars().allMatch(c -> c < 128);
                out.append(f[0]).append(!ascii ? "\tskip\n" : f[0].isEmpty() ? "\tinvalid\n" : "\tvalid\n");
            } else {
                int c = new ComparableVersion(f[0]).compareTo(new ComparableVersion(f[1]));
                out.append(f[0]).append('\t').append(f[1]).append('\t').append(Integer.signum(c)).append('\n');
            }
        }
        System.out.print(out);
    }
}
