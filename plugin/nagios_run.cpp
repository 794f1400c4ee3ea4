#include "plugin/nagios_run.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "common/state.hpp"
#include "nagios/plugin_output.hpp"
#include "plugin/stdout_writer.hpp"

namespace kkt::plugin {

nagios::OutputGate& result_gate() {
    static nagios::OutputGate gate;
    return gate;
}

void begin_nagios_run() {
    const int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) {
        dup2(null_fd, STDERR_FILENO);
        if (null_fd != STDERR_FILENO) close(null_fd);
    }
    nagios::install_last_resorts(result_gate(), "ATOL KKT UNKNOWN - internal error\n");
}

int emit_result(std::string_view text, int exit_code) {
    if (!result_gate().claim()) nagios::wait_for_exit();
    try {
        write_stdout(text);
    } catch (const OutputError&) {
        return nagios::exit_code(State::unknown);  // nowhere left to say why
    }
    return exit_code;
}

}  // namespace kkt::plugin
