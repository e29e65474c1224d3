from odic.cli import main

main()
