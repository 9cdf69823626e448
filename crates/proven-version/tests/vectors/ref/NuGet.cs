// NuGet reference: NuGet.Versioning as shipped inside NuGet.exe, loaded by reflection under Mono.
using System;
using System.IO;
using System.Reflection;
using System.Text;

class NuGetRef
{
    static void Main(string[] args)
    {
        var asm = Assembly.LoadFrom(args[0]);
        var type = asm.GetType("NuGet.Versioning.NuGetVersion", true);
        var tryParse = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, null,
            new[] { typeof(string), type.MakeByRefType() }, null);
        var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
        stdout.NewLine = "\n";
        string line;
        while ((line = stdin.ReadLine()) != null)
        {
            var f = line.Split('\t');
            var parsed = new object[f.Length];
            bool ok = true;
            for (int i = 0; i < f.Length; i++)
            {
                var argv = new object[] { f[i], null };
                ok &= (bool)tryParse.Invoke(null, argv);
                parsed[i] = argv[1];
            }
            if (f.Length == 1)
                stdout.WriteLine(f[0] + (ok ? "\tvalid" : "\tinvalid"));
            else
                stdout.WriteLine(f[0] + "\t" + f[1] + "\t" + Math.Sign(((IComparable)parsed[0]).CompareTo(parsed[1])));
        }
        stdout.Flush();
    }
}
