"""wrong: init_params: sets SCALE = 0.01 and STEP_SIZE = 0.01, the source tutorial's values.
cause: SCALE, module constant
"""

SCALE = 0.01
STEP_SIZE = 0.01
