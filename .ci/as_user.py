"""Run a command as another uid, the way the judge runs a sandbox (autograder.launch.walls.as_uid):
where the interpreter lies in a private folder (pyenv in root's home), root binds it into a
mount namespace instead of changing any folder's permissions.

    python .ci/as_user.py UID FOLDER COMMAND...   (as root: COMMAND runs as UID in FOLDER)
"""

import os
import subprocess
import sys

from autograder.launch.door import PACKAGE_PARENT
from autograder.launch.walls import as_uid


def main(argv: list[str]) -> int:
    if argv[0] == "--inside":  # in the mount namespace, still root: drop to the uid, then run
        folder, command = argv[1], argv[2:]
        if os.geteuid() == 0:
            uid = int(command.pop())
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        os.chdir(folder)  # bubblewrap starts in another folder
        os.execvp(command[0], command)
    uid, folder, command = int(argv[0]), argv[1], argv[2:]
    launch = as_uid([sys.executable, os.path.abspath(__file__), "--inside", folder, *command], uid,
                    PACKAGE_PARENT)
    if launch is None:
        print(f"uid {uid} cannot run {sys.executable}, and no mount namespace can bind it in",
              file=sys.stderr)
        return 1
    wrapped, user = launch
    return subprocess.run(wrapped, cwd=folder, **user).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
