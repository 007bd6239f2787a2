"""anju (安居): rural housing safety guarantee information system."""
