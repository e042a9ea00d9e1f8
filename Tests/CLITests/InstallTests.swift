import Foundation
import Testing

/// `make install-files` / `make uninstall` on the built artifacts (the static release
/// binary of `make release-static` and the man page of `make man`): the files land under
/// DESTDIR/PREFIX, the binary needs no Swift toolchain library, and uninstall removes them.
/// Skipped when those artifacts are not built, unless ONNXSCOPE_REQUIRE_INSTALL=1 (CI).
@Suite("make install", .enabled(if: Install.artifactsBuilt || Install.required))
struct InstallTests {
    static let installed = [
        "bin/onnxscope", "share/man/man1/onnxscope.1", "share/bash-completion/completions/onnxscope",
        "share/zsh/site-functions/_onnxscope", "share/fish/vendor_completions.d/onnxscope.fish",
    ]

    @Test func installsUninstallsAndNeedsNoToolchain() throws {
        #expect(Install.artifactsBuilt, "run 'make release-static man' first")
        let dest = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dest) }
        let prefix = "/opt/onnxscope-test"
        let root = dest.path + prefix
        let install = try Install.make(["install-files", "PREFIX=\(prefix)", "DESTDIR=\(dest.path)"])
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        for file in Self.installed {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(root)/\(file)")[.size] as? Int) ?? 0
            #expect(size > 0, "\(file) missing or empty")
        }
        let binary = URL(fileURLWithPath: "\(root)/bin/onnxscope")
        #expect(FileManager.default.isExecutableFile(atPath: binary.path))

        // ldd: libprotobuf-c, libxxhash, libmimalloc and C/C++ system libraries only; nothing of the toolchain.
        let ldd = try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/ldd"), [binary.path])
        #expect(ldd.status == 0)
        let allowed = ["linux-vdso", "ld-linux", "libc.", "libm.", "libstdc++", "libgcc_s", "libpthread", "libdl.", "librt.",
                       "libprotobuf-c.", "libxxhash.", "libmimalloc."]
        let libraries = ldd.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(libraries.contains { $0.hasPrefix("libprotobuf-c.") })
        #expect(libraries.contains { $0.hasPrefix("libxxhash.") })
        #expect(libraries.contains { $0.hasPrefix("libmimalloc.") })
        for line in libraries {
            let name = line.split(separator: " ").first.map(String.init) ?? line
            let bare = name.split(separator: "/").last.map(String.init) ?? name
            #expect(allowed.contains { bare.hasPrefix($0) }, "unexpected library: \(line)")
            #expect(!line.lowercased().contains("swift"), "toolchain library: \(line)")
        }

        // The installed tool works, and its completions and man page are the real ones.
        let version = try CLI.run(executable: binary, ["inspect", CLI.fixture("pytorch/mlp.torchscript.onnx")])
        #expect(version.status == 0)
        #expect(version.stdout.contains("Weights: 840 elements"))
        let bash = try String(contentsOfFile: "\(root)/share/bash-completion/completions/onnxscope", encoding: .utf8)
        #expect(bash.contains("complete") && bash.contains("inspect") && bash.contains("--format"))
        let zsh = try String(contentsOfFile: "\(root)/share/zsh/site-functions/_onnxscope", encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef onnxscope"))
        let fish = try String(contentsOfFile: "\(root)/share/fish/vendor_completions.d/onnxscope.fish", encoding: .utf8)
        #expect(fish.contains("complete -c 'onnxscope'"))
        let man = try String(contentsOfFile: "\(root)/share/man/man1/onnxscope.1", encoding: .utf8)
        #expect(man.contains(".Nm onnxscope") && man.contains("Em layers"))

        let uninstall = try Install.make(["uninstall", "PREFIX=\(prefix)", "DESTDIR=\(dest.path)"])
        #expect(uninstall.status == 0)
        for file in Self.installed {
            #expect(!FileManager.default.fileExists(atPath: "\(root)/\(file)"), "\(file) left after uninstall")
        }
    }
}

enum Install {
    static let staticBinary = CLI.packageRoot.appendingPathComponent(".build/static/onnxscope").path
    static let manPage = CLI.packageRoot.appendingPathComponent(".build/plugins/GenerateManual/outputs/onnxscope/onnxscope.1").path
    static let required = ProcessInfo.processInfo.environment["ONNXSCOPE_REQUIRE_INSTALL"] == "1"
    static var artifactsBuilt: Bool {
        FileManager.default.isExecutableFile(atPath: staticBinary) && FileManager.default.fileExists(atPath: manPage)
    }

    static func make(_ arguments: [String]) throws -> CLIRun {
        try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/make"), ["-C", CLI.packageRoot.path, "--no-print-directory"] + arguments)
    }
}
