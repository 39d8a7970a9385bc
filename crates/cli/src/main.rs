//! The `dossier` binary: a thin shell over `dossier_cli::run`.

fn main() -> std::process::ExitCode {
    dossier_cli::main()
}
